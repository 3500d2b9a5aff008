/**
 * A finding about a flow document: what the loader, the linter, the API and the
 * editor all report. One shape everywhere, so a finding seen in the editor is
 * the same as the one `parley validate` prints.
 */
import type { ErrorCode } from '../errors/catalog.js';

export type Severity = 'error' | 'warning' | 'info';

/** 1-based line and column in the source file. */
export interface SourcePosition {
  line: number;
  column: number;
}

export interface Finding {
  /** Stable code from the error catalogue, e.g. `FLOW_UNKNOWN_TARGET`. */
  code: ErrorCode;
  severity: Severity;
  /** JSON pointer (RFC 6901) to the offending value; `''` is the whole document. */
  pointer: string;
  /** File the document was loaded from, when it came from a file. */
  file?: string;
  /** Where the offending value starts in the source, when known. */
  position?: SourcePosition;
  /** What is wrong, in words a flow designer understands. Names the offending value. */
  message: string;
  /** How to fix it. */
  hint?: string;
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}
