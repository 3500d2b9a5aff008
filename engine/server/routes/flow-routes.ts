/**
 * `/api/flows`: reading flows and their history — the list, one flow (draft
 * and current version), deleting, published versions, and the diff between
 * any two of them. Writing documents (create, save draft, validate) lives in
 * `flow-document-routes.ts`, which parses JSON and YAML bodies itself;
 * publishing and rolling back in `flow-publish-routes.ts`.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ParleyError } from '../../errors/parley-error.js';
import { diffFlows } from '../../flow/diff-flows.js';
import type { FlowRepository } from '../../store/flow-repository.js';
import type { NumberRepository } from '../../store/number-repository.js';
import type { Flow } from '../../types/flow.generated.js';
import { unifiedDiff } from '../../util/unified-diff.js';
import { ERROR_RESPONSES, ref } from '../api-schema.js';
import { flowDetail, versionForApi } from './flow-detail.js';

/** What the flow routes use. */
export interface FlowRoutesOptions {
  flows: FlowRepository;
  numbers: NumberRepository;
}

interface FlowParams {
  id: string;
}

/** One side of a diff: the draft, or a published version. */
async function side(flows: FlowRepository, id: string, ref: string): Promise<{ document: Flow; label: string; info: { ref: string; version?: number; revision?: number } }> {
  if (ref === 'draft') {
    const flow = await flows.get(id);
    return { document: flow.draft, label: `draft (revision ${flow.revision})`, info: { ref, revision: flow.revision } };
  }
  const version = await flows.getVersion(id, Number(ref));
  return { document: version.document, label: `version ${version.version}`, info: { ref, version: version.version } };
}

/** Sends a flow document as YAML when the client asks for it (`Accept: application/yaml`). */
function wantsYaml(accept: string | undefined): boolean {
  return accept !== undefined && /\b(application|text)\/(x-)?yaml\b/.test(accept);
}

/**
 * The YAML helpers, imported by the first request that asks for YAML rather
 * than at server start: they bring the YAML parser and the flow loader.
 */
const flowYaml = () => import('../../flow/flow-yaml.js');

/** The document as YAML: the text it was saved from while that still describes it (comments kept), else generated. */
async function sendYaml(reply: FastifyReply, document: Flow, source: string | undefined): Promise<FastifyReply> {
  const { yamlOf } = await flowYaml();
  return reply.type('application/yaml; charset=utf-8').serializer((payload) => payload as string).send(yamlOf(document, source));
}

export async function flowRoutes(app: FastifyInstance, options: FlowRoutesOptions): Promise<void> {
  const { flows, numbers } = options;
  const tags = ['flows'];

  app.get<{ Querystring: { limit: number; after?: string } }>(
    '/',
    {
      schema: {
        summary: 'List flows',
        description: 'Flows by id, a page at a time, each with its draft revision and current published version.',
        tags,
        querystring: ref('PageQuery'),
        response: { 200: ref('FlowList'), ...ERROR_RESPONSES },
      },
    },
    async (request) => flows.list({ limit: request.query.limit, ...(request.query.after !== undefined ? { after: request.query.after } : {}) }),
  );

  app.get<{ Params: FlowParams }>(
    '/:id',
    {
      schema: {
        summary: 'Get a flow: its draft and current published version',
        description:
          'The `ETag` header is the draft revision: send it back as `If-Match` when saving the draft. With `Accept: application/yaml`, the draft alone, as YAML.',
        tags,
        params: ref('FlowParams'),
        response: { 200: ref('FlowDetail'), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const flow = await flows.get(request.params.id);
      reply.header('etag', `"${flow.revision}"`);
      if (wantsYaml(request.headers.accept)) return sendYaml(reply, flow.draft, flow.draftYaml);
      return flowDetail(flows, flow);
    },
  );

  app.delete<{ Params: FlowParams }>(
    '/:id',
    {
      schema: {
        summary: 'Delete a flow',
        description:
          'Removes the draft and the flow from lists. Its published versions stay, so calls that ran on them keep their history. Refused (`API_CONFLICT`) while phone numbers are routed to it.',
        tags,
        params: ref('FlowParams'),
        response: { 204: { description: 'Deleted.', type: 'null' }, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      await flows.get(id);
      const routed = await numbers.list({ flowId: id }, { limit: 5 });
      if (routed.items.length > 0) {
        const list = routed.items.map((route) => route.number).join(', ');
        throw new ParleyError('API_CONFLICT', `Phone numbers are routed to "${id}" (${list}${routed.next ? ', …' : ''}); route them to another flow or delete the routes first.`, {
          details: { flowId: id, numbers: routed.items.map((route) => route.number) },
        });
      }
      await flows.delete(id);
      return reply.code(204).send();
    },
  );

  app.get<{ Params: FlowParams; Querystring: { limit: number; after?: string } }>(
    '/:id/versions',
    {
      schema: {
        summary: 'List published versions',
        description: 'Newest first, a page at a time, without their documents.',
        tags,
        params: ref('FlowParams'),
        querystring: ref('PageQuery'),
        response: { 200: ref('FlowVersionList'), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { id } = request.params;
      const page = await flows.listVersions(id, { limit: request.query.limit, ...(request.query.after !== undefined ? { after: request.query.after } : {}) });
      // An empty first page means no versions; it is the flow's absence that should be reported, when it is absent.
      if (page.items.length === 0 && request.query.after === undefined) await flows.get(id);
      return page;
    },
  );

  app.get<{ Params: FlowParams & { version: number } }>(
    '/:id/versions/:version',
    {
      schema: {
        summary: 'Get a published version',
        description: 'With its document. Versions of deleted flows stay readable (call history). With `Accept: application/yaml`, the document alone, as YAML.',
        tags,
        params: ref('FlowVersionParams'),
        response: { 200: ref('FlowVersion'), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const version = await flows.getVersion(request.params.id, request.params.version);
      if (wantsYaml(request.headers.accept)) return sendYaml(reply, version.document, version.documentYaml);
      return versionForApi(version);
    },
  );

  app.get<{ Params: FlowParams; Querystring: { from?: string; to?: string } }>(
    '/:id/diff',
    {
      schema: {
        summary: 'What changed between two versions (or a version and the draft)',
        description:
          'A structural diff — stages, transitions, tools, agent and settings added, removed or changed — with one summary line per change, and a unified diff of the YAML. Defaults: from the current published version to the draft.',
        tags,
        params: ref('FlowParams'),
        querystring: ref('FlowDiffQuery'),
        response: { 200: ref('FlowDiff'), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { id } = request.params;
      let fromRef = request.query.from;
      if (fromRef === undefined) {
        const flow = await flows.get(id);
        if (flow.currentVersion === null) {
          throw new ParleyError('FLOW_VERSION_NOT_FOUND', `Flow "${id}" has no published version to compare the draft with; publish it, or give \`from\`.`, {
            details: { flowId: id },
          });
        }
        fromRef = String(flow.currentVersion);
      }
      const [from, to] = await Promise.all([side(flows, id, fromRef), side(flows, id, request.query.to ?? 'draft')]);
      const diff = diffFlows(from.document, to.document);
      const { toYaml } = await flowYaml();
      const text = unifiedDiff(toYaml(from.document), toYaml(to.document), { fromLabel: from.label, toLabel: to.label });
      return { flowId: id, from: from.info, to: to.info, ...diff, ...(text !== undefined ? { text } : {}) };
    },
  );
}
