/**
 * Publishing: checking a stored draft, publishing it as the next immutable
 * version, and rolling back to an older version (published again as a new
 * one). Nothing is published that the shared linter, run with the connector
 * catalog, finds an error in: the refusal carries the findings and changes
 * nothing. What is published is exactly the document that was checked, even
 * if the draft is saved again meanwhile.
 */
import type { FastifyInstance } from 'fastify';
import type { ConnectorHost } from '../../connectors/connector-host.js';
import { ParleyError } from '../../errors/parley-error.js';
import type { LintReport } from '../../flow/check-flow-document.js';
import { jsonEqual } from '../../flow/diff-flows.js';
import type { FlowRepository } from '../../store/flow-repository.js';
import type { Flow } from '../../types/flow.generated.js';
import { ERROR_RESPONSES, ref } from '../api-schema.js';
import { versionForApi } from './flow-detail.js';

/** What the publishing routes use. */
export interface FlowPublishRoutesOptions {
  flows: FlowRepository;
  connectors: Pick<ConnectorHost, 'catalog'>;
}

interface FlowParams {
  id: string;
}

function refuse(id: string, what: string, report: LintReport, extra: Record<string, unknown> = {}): never {
  const first = report.findings.find((finding) => finding.severity === 'error')!;
  throw new ParleyError(
    'API_PUBLISH_REFUSED',
    `${what} of "${id}" has ${report.errorCount} error${report.errorCount > 1 ? 's' : ''}, so it was not published; the first: ${first.message}${first.pointer ? ` (at ${first.pointer})` : ''}`,
    { details: { flowId: id, ...extra, errorCount: report.errorCount, warningCount: report.warningCount, findings: report.findings } },
  );
}

/** The linter, imported by the first request that checks a flow rather than at server start (see flow-document-routes.ts). */
async function lint(flow: Flow, connectors: Pick<ConnectorHost, 'catalog'>): Promise<{ report: LintReport }> {
  const { checkFlowDocument } = await import('../../flow/check-flow-document.js');
  return checkFlowDocument(flow, connectors.catalog());
}

export async function flowPublishRoutes(app: FastifyInstance, options: FlowPublishRoutesOptions): Promise<void> {
  const { flows, connectors } = options;
  const tags = ['flows'];

  app.post<{ Params: FlowParams }>(
    '/:id/validate',
    {
      schema: {
        summary: "Check a flow's draft",
        description: 'Runs the flow linter (with the connector catalog) on the stored draft: what publishing it now would say.',
        tags,
        params: ref('FlowParams'),
        response: { 200: ref('LintReport'), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const flow = await flows.get(request.params.id);
      return (await lint(flow.draft, connectors)).report;
    },
  );

  app.post<{ Params: FlowParams; Body: { notes?: string; author?: string; revision?: number } | null }>(
    '/:id/publish',
    {
      schema: {
        summary: 'Publish the draft',
        description:
          'Lints the draft; with an error, `API_PUBLISH_REFUSED` (422) with the findings and nothing changes. Otherwise the draft becomes the next immutable version, with your notes, and new calls use it. With `revision`, only that draft revision is published (else `FLOW_DRAFT_CONFLICT`). A draft equal to the current version is not published again (`API_CONFLICT`).',
        tags,
        params: ref('FlowParams'),
        body: ref('PublishRequest'),
        response: { 201: ref('PublishResult'), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { notes, author, revision } = request.body ?? {};
      const flow = await flows.get(id);
      if (revision !== undefined && revision !== flow.revision) {
        throw new ParleyError('FLOW_DRAFT_CONFLICT', `The draft of "${id}" is at revision ${flow.revision}, not ${revision}; review it again before publishing.`, {
          details: { flowId: id, revision: flow.revision, expectedRevision: revision },
        });
      }
      const { report } = await lint(flow.draft, connectors);
      if (!report.valid) refuse(id, `Revision ${flow.revision} of the draft`, report, { revision: flow.revision });
      // Publishing the same document again would only add a version that changes nothing (a double click).
      const current = flow.currentVersion === null ? null : await flows.getVersion(id, flow.currentVersion);
      if (current && jsonEqual(current.document, flow.draft)) {
        throw new ParleyError('API_CONFLICT', `The draft of "${id}" is the same as the current version ${current.version}; there is nothing new to publish.`, {
          details: { flowId: id, currentVersion: current.version, revision: flow.revision },
        });
      }
      const version = await flows.publish(id, {
        document: flow.draft,
        ...(flow.draftYaml !== undefined ? { yaml: flow.draftYaml } : {}),
        ...(notes !== undefined ? { notes } : {}),
        ...(author !== undefined ? { author } : {}),
      });
      reply.header('location', `/api/flows/${id}/versions/${version.version}`);
      return reply.code(201).send({ ...versionForApi(version), lint: report });
    },
  );

  app.post<{ Params: FlowParams; Body: { version: number; notes?: string; author?: string } }>(
    '/:id/rollback',
    {
      schema: {
        summary: 'Roll back to an older version',
        description:
          "Publishes an older version's document again, as a new version that new calls use (the draft is not touched). It is linted like any publish: a version that no longer passes — say a connector operation it uses is gone — is refused with the findings.",
        tags,
        params: ref('FlowParams'),
        body: ref('RollbackRequest'),
        response: { 201: ref('PublishResult'), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { version: target, notes, author } = request.body;
      await flows.get(id);
      const old = await flows.getVersion(id, target);
      const { report } = await lint(old.document, connectors);
      if (!report.valid) refuse(id, `Version ${target}`, report, { version: target });
      const version = await flows.rollback(id, target, { ...(notes !== undefined ? { notes } : {}), ...(author !== undefined ? { author } : {}) });
      reply.header('location', `/api/flows/${id}/versions/${version.version}`);
      return reply.code(201).send({ ...versionForApi(version), lint: report });
    },
  );
}
