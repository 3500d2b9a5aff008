/**
 * The `/api/flows` routes that take a flow document as their body: create,
 * save the draft, and validate without saving. Designers write flows in YAML,
 * programs in JSON, so both are accepted (`Content-Type: application/yaml` or
 * `application/json`) and read by the flow loader itself rather than by
 * fastify: broken text then gets the linter's findings, with line and column
 * in the text that was sent, instead of a bare parse error.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ConnectorHost } from '../../connectors/connector-host.js';
import { ParleyError } from '../../errors/parley-error.js';
import type { CheckedFlowDocument, FlowSource } from '../../flow/check-flow-document.js';
import type { FlowFormat } from '../../flow/load-flow.js';
import type { FlowRepository } from '../../store/flow-repository.js';
import type { Flow } from '../../types/flow.generated.js';
import { ERROR_RESPONSES, ref } from '../api-schema.js';
import { flowDetail } from './flow-detail.js';

/** What the document routes use. */
export interface FlowDocumentRoutesOptions {
  flows: FlowRepository;
  connectors: Pick<ConnectorHost, 'catalog'>;
}

/** Media types of YAML in the wild; `application/yaml` is the registered one (RFC 9512). */
export const YAML_MEDIA_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

/** How the OpenAPI document shows a flow-document body. */
const FLOW_BODY = {
  description: 'A flow document (`schemas/flow.schema.json`), as JSON or as YAML text.',
  required: true,
  content: {
    'application/json': { schema: ref('FlowDocument') },
    'application/yaml': { schema: { type: 'string', description: 'The flow document as YAML text.' } },
  },
};

function sourceOf(request: FastifyRequest): FlowSource {
  const body = request.body as FlowSource | undefined;
  if (!body || typeof body.text !== 'string') {
    throw new ParleyError('API_BAD_REQUEST', 'Send the flow document as the request body, with `Content-Type: application/json` or `application/yaml`.');
  }
  return body;
}

/**
 * Runs the linter on a sent document. The linter (YAML parser, flow schema) is
 * imported by the first request that needs it rather than at server start: a
 * restart checks no flow, and its first `/health` should not wait for one.
 */
async function checkSource(source: FlowSource, connectors: Pick<ConnectorHost, 'catalog'>): Promise<CheckedFlowDocument> {
  const { checkFlowSource } = await import('../../flow/check-flow-document.js');
  return checkFlowSource(source, connectors.catalog());
}

/** A YAML body is kept as sent, so its comments come back with `Accept: application/yaml`. */
function yamlText(source: FlowSource): { yaml?: string } {
  return source.format === 'yaml' ? { yaml: source.text } : {};
}

/** Refuses a document that cannot be stored, with every finding, before anything is written. */
function storable(checked: CheckedFlowDocument): Flow {
  if (checked.storable) return checked.storable;
  const { report } = checked;
  const first = report.findings.find((finding) => finding.severity === 'error');
  const where = first?.position ? ` (line ${first.position.line}, column ${first.position.column})` : first?.pointer ? ` (at ${first.pointer})` : '';
  throw new ParleyError('API_FLOW_INVALID', `The flow document is not valid${first ? `: ${first.message}${where}` : '.'}${report.errorCount > 1 ? ` And ${report.errorCount - 1} more error${report.errorCount > 2 ? 's' : ''}.` : ''}`, {
    details: { errorCount: report.errorCount, warningCount: report.warningCount, findings: report.findings },
  });
}

/** `If-Match: "3"` (or `3`, or `W/"3"`): the draft revision the client edited. */
export function expectedRevision(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,12})"?\s*$/.exec(ifMatch);
  if (!match) {
    throw new ParleyError('API_BAD_REQUEST', `If-Match must be the draft revision from the flow's ETag (e.g. "3"), not ${JSON.stringify(ifMatch)}.`, {
      details: { errors: [{ field: 'headers/if-match', rule: 'revision', message: 'must be a draft revision' }] },
    });
  }
  return Number(match[1]);
}

export async function flowDocumentRoutes(app: FastifyInstance, options: FlowDocumentRoutesOptions): Promise<void> {
  const { flows, connectors } = options;
  const tags = ['flows'];

  // This plugin's own parsers (fastify scopes them to the plugin): keep the text, let the flow loader read it.
  app.removeContentTypeParser('application/json');
  const parser = (format: FlowFormat) => (_request: FastifyRequest, text: string | Buffer, done: (error: Error | null, body?: FlowSource) => void) =>
    done(null, { text: text.toString(), format });
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parser('json'));
  app.addContentTypeParser(YAML_MEDIA_TYPES, { parseAs: 'string' }, parser('yaml'));

  app.post(
    '/',
    {
      schema: {
        summary: 'Create a flow',
        description:
          'Stores the document as the draft of a new flow (its `id` is the flow id). A draft may have errors — they block publishing, not saving — but it must be readable YAML or JSON with the shape of a flow; otherwise `API_FLOW_INVALID` with the findings, and nothing is stored. The answer includes what the linter says about the draft.',
        tags,
        documentedBody: FLOW_BODY,
        response: { 201: ref('FlowSaved'), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const source = sourceOf(request);
      const checked = await checkSource(source, connectors);
      const flow = await flows.create(storable(checked), yamlText(source));
      reply.header('location', `/api/flows/${flow.id}`).header('etag', `"${flow.revision}"`);
      return reply.code(201).send({ ...(await flowDetail(flows, flow)), lint: checked.report });
    },
  );

  app.put<{ Params: { id: string } }>(
    '/:id',
    {
      schema: {
        summary: "Save a flow's draft",
        description:
          'Replaces the draft with the document (whose `id` must be the flow id). Send the revision you edited as `If-Match` (the `ETag` of `GET /api/flows/{id}`): if someone saved since, `FLOW_DRAFT_CONFLICT` (409) and nothing changes. Published versions are not touched.',
        tags,
        params: ref('FlowParams'),
        headers: { type: 'object', properties: { 'if-match': { type: 'string', description: 'The draft revision you edited, e.g. `"3"`.' } } },
        documentedBody: FLOW_BODY,
        response: { 200: ref('FlowSaved'), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const revision = expectedRevision(request.headers['if-match']);
      const source = sourceOf(request);
      const checked = await checkSource(source, connectors);
      const flow = await flows.saveDraft(request.params.id, storable(checked), { ...(revision !== undefined ? { expectedRevision: revision } : {}), ...yamlText(source) });
      reply.header('etag', `"${flow.revision}"`);
      return { ...(await flowDetail(flows, flow)), lint: checked.report };
    },
  );

  app.post(
    '/validate',
    {
      schema: {
        summary: 'Check a flow document without saving it',
        description:
          'Runs the flow linter (with the connector catalog) on the document: every finding with its JSON pointer and, for the text you sent, line and column. Always 200 when the document could be checked; `valid` says whether it could be published.',
        tags,
        documentedBody: FLOW_BODY,
        response: { 200: ref('LintReport'), ...ERROR_RESPONSES },
      },
    },
    async (request) => (await checkSource(sourceOf(request), connectors)).report,
  );
}
