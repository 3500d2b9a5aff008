/**
 * What every family of lint checks works on: the document, its indexed view
 * (FlowModel, shared with the compiler so both agree on names, inheritance and
 * defaults), the connector catalog when there is one, and one way to report.
 */
import type { ConnectorCatalog } from '../../connectors/catalog.js';
import { FLOW_ERRORS, type FlowFindingCode } from '../../errors/flow-errors.js';
import type { Flow } from '../../types/flow.generated.js';
import type { Finding, SourcePosition } from '../finding.js';
import type { SourcePositions } from '../source-positions.js';
import type { FlowSites } from './flow-sites.js';
import type { LintModel } from './lint-model.js';

export interface ReportOptions {
  hint?: string | undefined;
  /** An exact position (e.g. inside an expression); otherwise derived from the pointer. */
  position?: SourcePosition | undefined;
  /** `key`: show it at the property's name (unknown fields); default: the pointer's anchor. */
  at?: 'key' | 'anchor';
}

/** The shared state of one lint run. */
export interface LintContext {
  /** The document as loaded; only `flow` is typed, and it may not match the schema: check shapes before use. */
  readonly document: unknown;
  readonly flow: Flow;
  /** The flow's indexed view (queries remembered for the run). */
  readonly model: LintModel;
  readonly catalog: ConnectorCatalog | undefined;
  readonly positions: SourcePositions | undefined;
  /** Expressions, templates and variable writes, found once. */
  readonly sites: FlowSites;
  report(code: FlowFindingCode, pointer: string, message: string, options?: ReportOptions): void;
}

/** Builds findings with the code's catalogue severity and a position from the source, when there is one. */
export function createReporter(findings: Finding[], positions: SourcePositions | undefined, file: string | undefined): LintContext['report'] {
  return (code, pointer, message, options = {}) => {
    // With a source but nothing at or above the pointer (an empty file), the finding is at the top.
    const position = options.position ?? (positions ? ((options.at === 'key' ? positions.keyPositionOf(pointer) : positions.anchorOf(pointer)) ?? { line: 1, column: 1 }) : undefined);
    findings.push({
      code,
      severity: FLOW_ERRORS[code].severity,
      pointer,
      ...(file !== undefined ? { file } : {}),
      ...(position ? { position } : {}),
      message,
      ...(options.hint ? { hint: options.hint } : {}),
    });
  };
}

export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
export const isString = (value: unknown): value is string => typeof value === 'string';
/** Entries of a mapping, or none when the value is not one (the schema check reports that). */
export const entriesOf = (value: unknown): Array<[string, unknown]> => (isObject(value) ? Object.entries(value) : []);
export const arrayOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
