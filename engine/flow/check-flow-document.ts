/**
 * The API's use of the shared flow linter: the linter's findings, summed up
 * for a response, and the rule for what may be stored as a draft.
 *
 * A draft is work in progress, so a flow with errors can be saved — an
 * unreachable stage or an undefined variable blocks publishing, not saving.
 * But it must be a readable flow document: text that does not parse, or a
 * document that does not have the flow language's shape (wrong types,
 * unknown or missing fields), is refused, so the editor, the diff and the
 * linter always get a flow to work on.
 */
import type { ConnectorCatalog } from '../connectors/catalog.js';
import type { Flow } from '../types/flow.generated.js';
import type { Finding } from './finding.js';
import { lintFlow } from './lint-flow.js';
import { loadFlowText, type FlowFormat, type LoadedFlow } from './load-flow.js';

/** Findings that mean the document is not a flow yet: it could not be read, or does not match the flow schema. */
export const UNSTORABLE_FINDING_CODES: ReadonlySet<string> = new Set([
  'FLOW_SYNTAX',
  'FLOW_DUPLICATE_KEY',
  'FLOW_SCHEMA',
  'FLOW_UNKNOWN_PROPERTY',
  'FLOW_MISSING_PROPERTY',
  'FLOW_INVALID_DURATION',
]);

/** What the linter says about a document, as the API reports it. */
export interface LintReport {
  /** No error-level finding: the flow can be published. */
  valid: boolean;
  errorCount: number;
  warningCount: number;
  findings: Finding[];
}

/** A flow document as text, with the format it was sent in. */
export interface FlowSource {
  text: string;
  format: FlowFormat;
}

/** A checked document: the report, and the flow when it may be stored as a draft. */
export interface CheckedFlowDocument {
  report: LintReport;
  /** Set when the document may be stored (see the module comment); it may still have errors. */
  storable?: Flow;
}

export function toLintReport(findings: readonly Finding[]): LintReport {
  const errorCount = findings.filter((finding) => finding.severity === 'error').length;
  const warningCount = findings.filter((finding) => finding.severity === 'warning').length;
  return { valid: errorCount === 0, errorCount, warningCount, findings: [...findings] };
}

function check(value: unknown, findings: readonly Finding[]): CheckedFlowDocument {
  const report = toLintReport(findings);
  const readable = typeof value === 'object' && value !== null && !Array.isArray(value) && !findings.some((finding) => UNSTORABLE_FINDING_CODES.has(finding.code));
  return readable ? { report, storable: value as Flow } : { report };
}

/** Lints text as sent (findings carry line and column in it). */
export function checkFlowSource(source: FlowSource, catalog: ConnectorCatalog): CheckedFlowDocument {
  return checkLoadedFlow(loadFlowText(source.text, { format: source.format }), catalog);
}

/** Lints a document read by the flow loader (from text or a file). */
export function checkLoadedFlow(loaded: LoadedFlow, catalog: ConnectorCatalog): CheckedFlowDocument {
  return check(loaded.value, lintFlow(loaded, { catalog }).findings);
}

/** Lints a stored document (findings carry JSON pointers only). */
export function checkFlowDocument(document: unknown, catalog: ConnectorCatalog): CheckedFlowDocument {
  return check(document, lintFlow(document, { catalog }).findings);
}
