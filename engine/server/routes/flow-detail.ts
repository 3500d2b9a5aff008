/** The flow as the editor opens it: the record with its draft, and the current published version with its document. */
import type { FlowRecord, FlowRepository, FlowVersion } from '../../store/flow-repository.js';

/** A flow record with its current version, as `GET /api/flows/:id` answers. */
export type FlowDetail = FlowRecord & { current: FlowVersion | null };

/** Adds the current published version to a flow record. */
export async function flowDetail(flows: FlowRepository, flow: FlowRecord): Promise<FlowDetail> {
  const current = flow.currentVersion === null ? null : await flows.getVersion(flow.id, flow.currentVersion);
  return { ...flow, current };
}
