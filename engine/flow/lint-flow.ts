/**
 * The flow linter: one function shared by `parley validate`, the API and the
 * editor, so a finding reads the same everywhere. Pure and browser-safe — no
 * file system, no network; the catalog and the document come in as values.
 *
 * It checks the document against the flow schema, then (even when the schema
 * found problems, so a designer sees everything at once) the flow's meaning:
 * the stage graph, transitions, tools and connector operations, expressions
 * and templates, JSON Schemas inside the flow, context types, variables read
 * before they are defined, and Realtime session rules. docs/flow-language.md
 * lists every finding code with its severity.
 */
import type { ConnectorCatalog } from '../connectors/catalog.js';
import type { Flow } from '../types/flow.generated.js';
import { hasErrors, type Finding } from './finding.js';
import { buildFlowModel } from './flow-model.js';
import { isLoadedFlow, type LoadedFlow } from './load-flow.js';
import { parsePointer } from './json-pointer.js';
import { checkContextTypes } from './lint/context-type-check.js';
import { checkEmbeddedSchemas } from './lint/embedded-schema-check.js';
import { collectFlowSites } from './lint/flow-sites.js';
import { createReporter, isObject, type LintContext } from './lint/lint-context.js';
import { createLintModel } from './lint/lint-model.js';
import { checkRealtime } from './lint/realtime-check.js';
import { checkFlowSchema } from './lint/schema-check.js';
import { checkSourceText } from './lint/source-text-check.js';
import { checkStages } from './lint/stage-check.js';
import { buildStageGraph } from './lint/stage-graph.js';
import { checkTools } from './lint/tool-check.js';
import { checkTransitions } from './lint/transition-check.js';
import { checkVariableFlow } from './lint/variable-flow-check.js';

export interface LintOptions {
  /** Connector catalog; without it, operation checks (`use`, `with`, `expose`, …) are skipped. */
  catalog?: ConnectorCatalog | undefined;
  /** File name for findings (a loaded document brings its own). */
  file?: string | undefined;
}

export interface LintResult {
  /** Every finding (the loader's too), in source order. */
  findings: Finding[];
  /** The flow, typed, when it has no error-level finding: safe to compile. */
  flow?: Flow;
}

/** Lints a loaded document (with positions) or a plain object (positions absent). Never throws on bad input. */
export function lintFlow(input: LoadedFlow | unknown, options: LintOptions = {}): LintResult {
  const loaded = isLoadedFlow(input) ? input : undefined;
  const document = loaded ? loaded.value : input;
  const file = options.file ?? loaded?.file;
  const findings: Finding[] = loaded ? loaded.findings.map((finding) => ({ ...finding, ...(file !== undefined ? { file } : {}) })) : [];
  if (loaded && loaded.value === undefined) return { findings: sortFindings(findings, document) };

  const positions = loaded?.positions;
  const report = createReporter(findings, positions, file);
  checkFlowSchema(document, report);
  if (!isObject(document)) return { findings: sortFindings(findings, document) };

  const flow = document as unknown as Flow;
  const model = createLintModel(buildFlowModel(flow));
  const sites = collectFlowSites(flow, model);
  const context: LintContext = { document, flow, model, catalog: options.catalog, positions, sites, report };
  const graph = buildStageGraph(model);

  const checks: Array<[string, () => void]> = [
    ['stages', () => checkStages(context, graph)],
    ['transitions', () => checkTransitions(context, graph)],
    ['tools', () => checkTools(context, graph)],
    ['expressions and templates', () => checkSourceText(context)],
    ['embedded schemas', () => checkEmbeddedSchemas(context)],
    ['context types', () => checkContextTypes(context)],
    ['variables', () => checkVariableFlow(context, graph)],
    ['realtime', () => checkRealtime(context)],
  ];
  for (const [name, run] of checks) {
    try {
      run();
    } catch (error) {
      // A bug in one family of checks must not hide the others' findings.
      findings.push({
        code: 'INTERNAL',
        severity: 'error',
        pointer: '',
        ...(file !== undefined ? { file } : {}),
        message: `The ${name} checks failed on this document (${error instanceof Error ? error.message : String(error)}); the other checks ran.`,
        hint: 'This is a bug in Parley: please report it with the flow.',
      });
    }
  }

  const sorted = sortFindings(findings, document);
  return hasErrors(sorted) ? { findings: sorted } : { findings: sorted, flow };
}

/**
 * Source order: by line and column when positions are known, otherwise by
 * where the pointer is in the document (the order of its keys). Findings at
 * the same place keep the order the checks made them.
 */
function sortFindings(findings: Finding[], document: unknown): Finding[] {
  // Findings share parents (a 1,000-stage `stages`): each object's keys are listed once per sort.
  const keysOf = new Map<object, string[]>();
  const keyed = findings.map((finding, index) => ({ finding, index, order: finding.position ? [] : documentOrder(document, finding.pointer, keysOf) }));
  keyed.sort((a, b) => {
    const pa = a.finding.position;
    const pb = b.finding.position;
    if (pa && pb) return pa.line - pb.line || pa.column - pb.column || a.index - b.index;
    if (pa || pb) return pa ? -1 : 1;
    for (let i = 0; i < Math.max(a.order.length, b.order.length); i++) {
      const x = a.order[i] ?? -1;
      const y = b.order[i] ?? -1;
      if (x !== y) return x - y;
    }
    return a.index - b.index;
  });
  return keyed.map(({ finding }) => finding);
}

/** Where a pointer is in a plain value, as the index of each step among its siblings (a missing step sorts after them). */
function documentOrder(document: unknown, pointer: string, keysOf: Map<object, string[]>): number[] {
  const order: number[] = [];
  let current = document;
  for (const segment of parsePointer(pointer)) {
    if (Array.isArray(current)) {
      order.push(Number(segment));
      current = current[Number(segment)];
    } else if (isObject(current)) {
      let keys = keysOf.get(current);
      if (!keys) keysOf.set(current, (keys = Object.keys(current)));
      const index = keys.indexOf(segment);
      order.push(index < 0 ? keys.length : index);
      current = index < 0 ? undefined : current[segment];
    } else break;
  }
  return order;
}
