/** The flow as the editor opens it: the record with its draft, and the current published version with its document. */
import type { FlowRecord, FlowRepository, FlowVersion } from '../../store/flow-repository.js';

/** A flow record with its current version, as `GET /api/flows/:id` answers (JSON). */
export type FlowDetail = Omit<FlowRecord, 'draftYaml'> & { current: Omit<FlowVersion, 'documentYaml'> | null };

/** Adds the current published version to a flow record. The YAML texts kept beside the documents are served as YAML only. */
export async function flowDetail(flows: FlowRepository, flow: FlowRecord): Promise<FlowDetail> {
  const { draftYaml: _yaml, ...record } = flow;
  const current = flow.currentVersion === null ? null : versionForApi(await flows.getVersion(flow.id, flow.currentVersion));
  return { ...record, current };
}

/** A version as JSON answers show it: without the YAML text kept beside its document. */
export function versionForApi(version: FlowVersion): Omit<FlowVersion, 'documentYaml'> {
  const { documentYaml: _yaml, ...rest } = version;
  return rest;
}
