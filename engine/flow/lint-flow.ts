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
  const model = buildFlowModel(flow);
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
 * where the pointer is in the document (its keys in order). Findings at the
 * same place keep the order the checks made them.
 */
function sortFindings(findings: Finding[], document: unknown): Finding[] {
  if (findings.every((finding) => finding.position)) {
    return findings
      .map((finding, index) => ({ finding, index }))
      .sort((a, b) => a.finding.position!.line - b.finding.position!.line || a.finding.position!.column - b.finding.position!.column || a.index - b.index)
      .map(({ finding }) => finding);
  }
  const order = documentOrder(document);
  const rank = (pointer: string): number => {
    for (let segments = parsePointer(pointer); ; segments = segments.slice(0, -1)) {
      const found = order.get(segments.join('\u0000'));
      if (found !== undefined || segments.length === 0) return found ?? 0;
    }
  };
  return findings
    .map((finding, index) => ({ finding, index, rank: finding.position ? -1 : rank(finding.pointer) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map(({ finding }) => finding);
}

/** Pre-order rank of every path in a plain value. */
function documentOrder(document: unknown): Map<string, number> {
  const order = new Map<string, number>();
  const walk = (value: unknown, path: string[]) => {
    order.set(path.join('\u0000'), order.size);
    if (Array.isArray(value)) value.forEach((item, i) => walk(item, [...path, String(i)]));
    else if (isObject(value)) for (const [key, inner] of Object.entries(value)) walk(inner, [...path, key]);
  };
  walk(document, []);
  return order;
}
