/**
 * Codes of findings about flow documents (loader and linter). Stable: tests,
 * the editor and users' CI match on them. Add new codes; never rename or reuse.
 *
 * Each code has exactly one severity, so a code tells a designer (and CI) how
 * bad it is without reading the message:
 * - `error`: the flow cannot run correctly; `parley validate` exits 1 and the
 *   API refuses to publish it.
 * - `warning`: the flow runs, but probably not as its designer meant.
 */
import type { Severity } from '../flow/finding.js';
import type { ErrorDefinition } from './parley-error.js';

/** A flow finding's catalogue entry: the usual definition plus the severity it is always reported with. */
export interface FlowFindingDefinition extends ErrorDefinition {
  readonly severity: Severity;
}

const flow = (severity: Severity, meaning: string, fix: string): FlowFindingDefinition => ({ meaning, fix, kind: 'user', status: 422, severity });

export const FLOW_ERRORS = {
  // Loading
  FLOW_SYNTAX: flow('error', 'The file is not valid YAML or JSON.', 'Fix the syntax at the line and column given; check indentation and quotes.'),
  FLOW_DUPLICATE_KEY: flow('error', 'A key appears twice in the same mapping; only one of the values would be used.', 'Remove one of them, or rename it (stage names must be unique).'),

} as const satisfies Record<string, FlowFindingDefinition>;

/** A code of a flow finding. */
export type FlowFindingCode = keyof typeof FLOW_ERRORS;
