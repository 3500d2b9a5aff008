/**
 * A flow test file made ready to run: loaded and checked against its schema,
 * its flow found, loaded and linted, every name it uses checked against the
 * flow (stages, intents, tools, seeds) with file:line:column, and its cases
 * normalised (defaults applied, caller and model actions in one shape).
 * Problems of the file stop all its cases; a case's own problems (a `TODO`
 * placeholder left by `--generate`) stop only that case.
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import type { ConnectorCatalog } from '../connectors/catalog.js';
import { isParleyError } from '../errors/parley-error.js';
import type { ErrorCode } from '../errors/catalog.js';
import type { Finding } from '../flow/finding.js';
import { siblingFlowFiles } from '../flow/flow-file-names.js';
import { buildFlowModel, durationMs, type FlowModel } from '../flow/flow-model.js';
import { joinPointer } from '../flow/json-pointer.js';
import { lintFlow } from '../flow/lint-flow.js';
import { didYouMean, listNames } from '../flow/lint/did-you-mean.js';
import { loadFlowFile } from '../flow/load-flow-file.js';
import type { Flow } from '../types/flow.generated.js';
import type { Case, CaseSettings, Expectations, Fault, FlowTestFile, Live, ModelAction, SetupStep, Turn } from '../types/flow-test.generated.js';
import { SEED_LOADERS } from './connector-seeds.js';
import { describeCase } from './describe-test-pointer.js';
import { loadFlowTestFile, type LoadedFlowTest } from './load-flow-test-file.js';
import { findPlaceholders } from './placeholders.js';

/** The business number of a case that names none (Twilio's test number). */
export const DEFAULT_BUSINESS_NUMBER = '+15005550006';
/** The person's number of a case that names none. */
export const DEFAULT_PERSON_NUMBER = '+15005550001';

/** What the caller does in a turn. */
export type CallerStep =
  | { kind: 'says'; text: string; heardAs?: string }
  | { kind: 'presses'; digits: string }
  | { kind: 'silence'; ms: number }
  | { kind: 'hangsUp' };

/** One response of the model: speech and/or function calls. */
export interface ModelStep {
  says?: string;
  calls: Array<{ name: string; with: Record<string, unknown> }>;
  /** Where it is written, for messages. */
  pointer: string;
}

/** A turn, normalised. */
export interface PreparedTurn {
  /** 0-based. */
  index: number;
  pointer: string;
  caller?: CallerStep;
  agent: ModelStep[];
  expect?: Expectations;
  /** `turn 2 (caller says "Yes, this is Maria.")`. */
  label: string;
}

/** A case, with its defaults applied. */
export interface PreparedCase {
  index: number;
  name: string;
  pointer: string;
  direction: 'inbound' | 'outbound';
  from: string;
  to: string;
  now?: string;
  context?: Record<string, unknown>;
  parameters?: Record<string, string>;
  seeds?: Record<string, Array<string | Record<string, unknown>>>;
  setup: SetupStep[];
  faults: Fault[];
  turns: PreparedTurn[];
  expect?: Expectations;
  live?: Live;
  skip?: string;
  /** Why the case cannot run (placeholders left); empty when it can. */
  problems: Finding[];
}

/** A test file and its flow, ready to run. */
export interface FlowTestSuite {
  file: string;
  /** The flow file, once found. */
  flowFile?: string;
  flow?: Flow;
  model?: FlowModel;
  test: LoadedFlowTest;
  /** Problems of the file or its flow: none of its cases runs while there are any. */
  findings: Finding[];
  cases: PreparedCase[];
}

/** A short preview of text for labels. */
export function preview(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** How a caller step reads in messages: `caller says "…"`. */
export function describeCallerStep(step: CallerStep | undefined): string {
  if (!step) return 'no caller action';
  switch (step.kind) {
    case 'says':
      return `caller says "${preview(step.text)}"`;
    case 'presses':
      return `caller presses ${step.digits}`;
    case 'silence':
      return `caller is silent for ${step.ms} ms`;
    case 'hangsUp':
      return 'caller hangs up';
  }
}

function callerStep(caller: Turn['caller']): CallerStep | undefined {
  if (caller === undefined) return undefined;
  if (typeof caller === 'string') return { kind: 'says', text: caller };
  if ('says' in caller) return { kind: 'says', text: caller.says, ...(caller.heardAs !== undefined ? { heardAs: caller.heardAs } : {}) };
  if ('presses' in caller) return { kind: 'presses', digits: caller.presses };
  if ('silence' in caller) return { kind: 'silence', ms: durationMs(caller.silence) };
  return { kind: 'hangsUp' };
}

function modelSteps(agent: Turn['agent'], pointer: string): ModelStep[] {
  if (agent === undefined) return [];
  const list: ModelAction[] = Array.isArray(agent) ? agent : [agent];
  return list.map((action, index) => {
    const calls = typeof action.calls === 'string' ? [{ name: action.calls, with: (action.with ?? {}) as Record<string, unknown> }] : (action.calls ?? []).map((call) => ({ name: call.name, with: (call.with ?? {}) as Record<string, unknown> }));
    return { ...(action.says !== undefined ? { says: action.says } : {}), calls, pointer: Array.isArray(agent) ? `${pointer}/agent/${index}` : `${pointer}/agent` };
  });
}

function prepareCase(document: FlowTestFile, entry: Case, index: number): PreparedCase {
  const defaults: CaseSettings = document.defaults ?? {};
  const pointer = `/cases/${index}`;
  const call = { ...defaults.call, ...entry.call };
  const direction = call.direction ?? 'inbound';
  const from = call.from ?? (direction === 'inbound' ? DEFAULT_PERSON_NUMBER : DEFAULT_BUSINESS_NUMBER);
  const to = call.to ?? (direction === 'inbound' ? DEFAULT_BUSINESS_NUMBER : DEFAULT_PERSON_NUMBER);
  const now = entry.now ?? defaults.now;
  const context = (entry.context ?? defaults.context) as Record<string, unknown> | undefined;
  const parameters = entry.parameters ?? defaults.parameters;
  const seeds = (entry.seeds ?? defaults.seeds) as PreparedCase['seeds'];
  const turns = entry.turns.map((turn, turnIndex): PreparedTurn => {
    const turnPointer = `${pointer}/turns/${turnIndex}`;
    const caller = callerStep(turn.caller);
    return {
      index: turnIndex,
      pointer: turnPointer,
      ...(caller ? { caller } : {}),
      agent: modelSteps(turn.agent, turnPointer),
      ...(turn.expect ? { expect: turn.expect } : {}),
      label: `turn ${turnIndex + 1} (${describeCallerStep(caller)})`,
    };
  });
  return {
    index,
    name: entry.name,
    pointer,
    direction,
    from,
    to,
    ...(now !== undefined ? { now } : {}),
    ...(context !== undefined ? { context } : {}),
    ...(parameters !== undefined ? { parameters } : {}),
    ...(seeds !== undefined ? { seeds } : {}),
    setup: entry.setup ?? defaults.setup ?? [],
    faults: entry.faults ?? [],
    turns,
    ...(entry.expect ? { expect: entry.expect } : {}),
    ...(entry.live ? { live: entry.live } : {}),
    ...(entry.skip ? { skip: entry.skip } : {}),
    problems: [],
  };
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** Loads a test file, finds and lints its flow, and checks the names the cases use. */
export async function prepareFlowTests(file: string, options: { catalog?: ConnectorCatalog } = {}): Promise<FlowTestSuite> {
  const test = await loadFlowTestFile(file);
  const suite: FlowTestSuite = { file, test, findings: [...test.findings], cases: [] };
  const finding = (code: ErrorCode, pointer: string, message: string, hint?: string, at: 'key' | 'value' = 'value'): Finding => {
    const position = at === 'key' ? test.positionOf(pointer) : test.anchorOf(pointer);
    return { code, severity: 'error', pointer, file, ...(position ? { position } : {}), message, ...(hint ? { hint } : {}) };
  };
  const document = test.document;
  if (!document) return suite;

  // The flow: named, or the file beside this one.
  const candidates = document.flow !== undefined ? [path.resolve(path.dirname(file), document.flow)] : siblingFlowFiles(file);
  let flowFile: string | undefined;
  for (const candidate of candidates) {
    if (await exists(candidate)) {
      flowFile = candidate;
      break;
    }
  }
  if (!flowFile) {
    suite.findings.push(
      document.flow !== undefined
        ? finding('FLOW_TEST_NO_FLOW', '/flow', `The flow ${document.flow} (${candidates[0]}) does not exist.`, 'Give the flow file\'s path relative to this test file.')
        : finding('FLOW_TEST_NO_FLOW', '', `No flow beside this test file: looked for ${candidates.map((candidate) => path.basename(candidate)).join(', ')}.`, 'Put the flow beside it with the same name without `.test`, or name it with `flow:`.'),
    );
    return suite;
  }
  suite.flowFile = flowFile;
  let loadedFlow;
  try {
    loadedFlow = await loadFlowFile(flowFile);
  } catch (error) {
    suite.findings.push(finding('FLOW_TEST_NO_FLOW', document.flow !== undefined ? '/flow' : '', `The flow ${flowFile} cannot be read: ${isParleyError(error) ? error.message : String(error)}.`));
    return suite;
  }
  const errors = lintFlow(loadedFlow, { ...(options.catalog ? { catalog: options.catalog } : {}) }).findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) {
    const first = errors[0]!;
    const where = first.position ? `${flowFile}:${first.position.line}:${first.position.column}` : flowFile;
    suite.findings.push(
      finding('FLOW_TEST_FLOW_INVALID', document.flow !== undefined ? '/flow' : '', `The flow ${flowFile} has ${errors.length} error${errors.length === 1 ? '' : 's'}, so no case can run; the first: ${where} ${first.message} [${first.code}]`, `Run \`parley validate ${flowFile}\`.`),
    );
    return suite;
  }
  const flow = loadedFlow.value as Flow;
  const model = buildFlowModel(flow);
  suite.flow = flow;
  suite.model = model;

  const leaves = model.leaves().map((node) => node.name);
  const functions = [...new Set([...model.transitions.flatMap((t) => (t.intentName ? [t.intentName] : [])), ...Object.keys(flow.tools ?? {})])];
  const tools = Object.keys(flow.tools ?? {});
  const checkStage = (name: string, pointer: string) => {
    if (leaves.includes(name)) return;
    const node = model.stages.get(name);
    if (node?.kind === 'group') {
      suite.findings.push(finding('FLOW_TEST_UNKNOWN_STAGE', pointer, `\`${name}\` is a group of the flow: a call is always in one of its stages, never in the group itself.`, `Name one of its stages: ${listNames(node.children)}.`));
    } else {
      suite.findings.push(finding('FLOW_TEST_UNKNOWN_STAGE', pointer, `The flow has no stage \`${name}\`.`, didYouMean(name, leaves) ?? `Its stages are ${listNames(leaves, 12)}.`));
    }
  };
  const checkExpectations = (expect: Expectations | undefined, pointer: string) => {
    if (!expect) return;
    if (expect.stage !== undefined) checkStage(expect.stage, `${pointer}/stage`);
    expect.entered?.forEach((name, i) => checkStage(name, `${pointer}/entered/${i}`));
    expect.tools?.forEach((tool, i) => {
      if (!tools.includes(tool.name)) suite.findings.push(finding('FLOW_TEST_UNKNOWN_TOOL', `${pointer}/tools/${i}/name`, `The flow has no tool \`${tool.name}\`.`, didYouMean(tool.name, tools) ?? `Its tools are ${listNames(tools, 12)}.`));
    });
  };

  const names = new Map<string, number>();
  document.cases.forEach((entry, index) => {
    const prepared = prepareCase(document, entry, index);
    suite.cases.push(prepared);
    const first = names.get(entry.name);
    if (first !== undefined) {
      suite.findings.push(finding('FLOW_TEST_DUPLICATE_CASE', `/cases/${index}/name`, `Two cases are named \`${entry.name}\` (cases ${first + 1} and ${index + 1}).`, 'Give each case its own name.'));
    } else names.set(entry.name, index);

    for (const [connector, seeds] of Object.entries(prepared.seeds ?? {})) {
      const seedsPointer = entry.seeds ? `/cases/${index}/seeds/${connector}` : `/defaults/seeds/${connector}`;
      const loader = SEED_LOADERS[connector];
      if (!loader) {
        suite.findings.push(finding('FLOW_TEST_UNKNOWN_SEED', seedsPointer, `No seed data can be loaded into the connector \`${connector}\` here.`, `Seeds load into ${listNames(Object.keys(SEED_LOADERS))}; make other connectors' data with \`setup\` steps.`, 'key'));
        continue;
      }
      seeds.forEach((seed, i) => {
        if (typeof seed === 'string' && !loader.names.includes(seed)) {
          suite.findings.push(finding('FLOW_TEST_UNKNOWN_SEED', joinPointer(seedsPointer, i), `The ${connector} connector has no seed set \`${seed}\`.`, didYouMean(seed, loader.names) ?? `Its seed sets are ${listNames(loader.names)}; or write the records out as ${loader.recordsFormat}.`));
        }
      });
    }
    const operations = Object.entries(options.catalog ?? {}).flatMap(([connector, entry]) => Object.keys(entry.operations ?? {}).map((operation) => `${connector}.${operation}`));
    const checkOperation = (use: string, pointer: string) => {
      if (!options.catalog || operations.includes(use)) return;
      suite.findings.push(finding('FLOW_TEST_UNKNOWN_OPERATION', pointer, `No connector offers \`${use}\`.`, didYouMean(use, operations) ?? `Operations: ${listNames(operations, 12)}.`));
    };
    prepared.setup.forEach((step, i) => checkOperation(step.use, entry.setup ? `/cases/${index}/setup/${i}/use` : `/defaults/setup/${i}/use`));
    entry.faults?.forEach((fault, i) => checkOperation(fault.use, `/cases/${index}/faults/${i}/use`));
    const checkConnectors = (expect: Expectations | undefined, pointer: string) => expect?.connectors?.forEach((c, i) => checkOperation(c.use, `${pointer}/connectors/${i}/use`));
    entry.turns.forEach((turn, i) => checkConnectors(turn.expect, `/cases/${index}/turns/${i}/expect`));
    checkConnectors(entry.expect, `/cases/${index}/expect`);
    const expectedViolations = new Set<string>();
    entry.turns.forEach((turn) => (turn.expect?.violations ?? []).forEach((v) => (typeof v === 'string' ? expectedViolations.add(v) : v.name && expectedViolations.add(v.name))));
    prepared.turns.forEach((turn) => {
      for (const step of turn.agent) {
        step.calls.forEach((call, i) => {
          if (functions.includes(call.name) || expectedViolations.has(call.name)) return;
          const pointer = typeof readAt(document, `${step.pointer}/calls`) === 'string' ? `${step.pointer}/calls` : `${step.pointer}/calls/${i}/name`;
          suite.findings.push(finding('FLOW_TEST_UNKNOWN_FUNCTION', pointer, `The flow has no intent or tool \`${call.name}\`.`, didYouMean(call.name, functions) ?? `Its intents and tools are ${listNames(functions, 12)}.`));
        });
      }
      checkExpectations(turn.expect, `${turn.pointer}/expect`);
    });
    checkExpectations(entry.expect, `/cases/${index}/expect`);
    checkExpectations(entry.live?.expect, `/cases/${index}/live/expect`);

    for (const placeholder of findPlaceholders(entry, `/cases/${index}`, document)) {
      prepared.problems.push(finding('FLOW_TEST_PLACEHOLDER', placeholder.pointer, `${describeCase(document, index)} is not filled in yet: ${placeholder.where} is "${placeholder.text}".`, 'Replace the TODO with what the caller says or the model does there (see docs/flow-tests.md, "Generating cases").'));
    }
  });
  return suite;
}

/** The value at a pointer of a parsed document. */
function readAt(document: unknown, pointer: string): unknown {
  let current: unknown = document;
  for (const segment of pointer.split('/').slice(1)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}
