/**
 * The flow compiler: a flow document in, a CompiledFlow out — the XState
 * machine plus the per-stage tables the interpreter reads on every event.
 *
 * Pure (STYLE §2): no I/O, no clock, no randomness; the same flow gives a
 * structurally equal machine config. Every expression and template is compiled
 * here once; callers cache the result per flow version. It assumes a flow the
 * linter has passed, but a flow that cannot be a machine at all (a target that
 * does not exist, a broken expression) is rejected with one ParleyError that
 * lists every problem found (`details.problems`), never with a crash.
 */
import { createHash } from 'node:crypto';
import type { ConnectorCatalog } from '../connectors/catalog.js';
import { ParleyError } from '../errors/parley-error.js';
import type { Flow } from '../types/flow.generated.js';
import { buildFlowMachineConfig, createFlowMachine } from './build-flow-machine.js';
import type { CompiledFlow } from './compiled-flow.js';
import { type CompileProblem, createSourceCompiler } from './compile-sources.js';
import { compileStages } from './compile-stages.js';
import { compileActions, compileBindings } from './compile-tools.js';
import { compileTransitions, transitionId } from './compile-transitions.js';
import { buildFlowModel, DEFAULTS, type TransitionNode } from './flow-model.js';
import { createSchemaValidators } from './schema-validators.js';

export interface CompileFlowOptions {
  /** The connector catalog: what the model sees of a tool comes from its operation's input schema. */
  catalog?: ConnectorCatalog;
}

export function compileFlow(flow: Flow, options: CompileFlowOptions = {}): CompiledFlow {
  if (!flow || typeof flow !== 'object' || !flow.stages || typeof flow.stages !== 'object' || !flow.agent) {
    throw compileError([{ code: 'COMPILE_STRUCTURE', pointer: '', message: 'a flow needs `agent`, `initial` and `stages`' }]);
  }
  const sources = createSourceCompiler();
  const model = buildFlowModel(flow);

  const bindings = compileBindings(flow, options.catalog, sources);
  const transitions = compileTransitions(model, sources);
  const transitionIds = new Map<TransitionNode, string>(model.transitions.map((node, index) => [node, transitionId(index)]));
  const stages = compileStages(model, transitions, transitionIds, bindings, sources);

  const initialStage = model.entryLeaf(flow.initial);
  if (initialStage === undefined) {
    sources.problem('COMPILE_STRUCTURE', '/initial', `the flow starts in "${flow.initial}", which is not a stage (or a group that resolves to one)`);
  }
  for (const [pointer, target] of [['/onError', flow.onError], ['/limits/onLimit', flow.limits?.onLimit]] as const) {
    if (target !== undefined && !model.stages.has(target)) sources.problem('COMPILE_STRUCTURE', pointer, `"${target}" is not a stage of this flow`);
  }

  const instructions = sources.template(flow.agent.instructions, '/agent/instructions');
  const onStart = compileActions(flow.onStart, '/onStart', bindings, sources);
  const onEnd = compileActions(flow.onEnd, '/onEnd', bindings, sources);
  const outcome = flow.outcome
    ? {
        schema: flow.outcome.schema,
        fields: sources.assignments(flow.outcome.map, '/outcome/map'),
        copied: Object.keys((flow.outcome.schema.properties as Record<string, unknown> | undefined) ?? {}).filter((key) => !flow.outcome!.map?.[key]),
      }
    : undefined;

  if (sources.problems.length > 0 || initialStage === undefined || !instructions) throw compileError(sources.problems);

  const config = buildFlowMachineConfig({
    flowId: flow.id,
    model,
    stages,
    transitions,
    transitionIds,
    initialStage,
    ...(flow.onError ? { onError: flow.onError } : {}),
  });
  let machine;
  try {
    machine = createFlowMachine(config);
  } catch (error) {
    // Only reachable when the checks above missed a structural problem.
    throw compileError([{ code: 'COMPILE_STRUCTURE', pointer: '', message: `the flow cannot be a state machine: ${(error as Error).message}` }]);
  }

  // The first stage decides the voice and model for the whole call (they cannot change once audio has started).
  const firstStage = model.stages.get(initialStage)?.stage;
  const collectKeys = new Set<string>();
  for (const transition of transitions.values()) for (const key of transition.collectKeys) collectKeys.add(key);

  return {
    flow,
    model,
    fingerprint: createHash('sha256').update(JSON.stringify(flow)).digest('hex'),
    config,
    machine,
    ...(options.catalog ? { catalog: options.catalog } : {}),
    agent: {
      instructions,
      voice: firstStage?.voice ?? flow.agent.voice ?? DEFAULTS.voice,
      model: firstStage?.model ?? flow.agent.model ?? DEFAULTS.model,
      firstSpeaker: flow.agent.firstSpeaker ?? 'agent',
    },
    stages,
    transitions,
    tools: bindings,
    onStart,
    onEnd,
    initialStage,
    ...(flow.onError ? { onError: flow.onError } : {}),
    initialContext: flow.context?.initial ?? {},
    ...(outcome ? { outcome } : {}),
    contextBlockKeys: [...collectKeys],
    validators: createSchemaValidators(),
  };
}

function compileError(problems: CompileProblem[]): ParleyError {
  const first = problems[0] ?? { code: 'COMPILE_STRUCTURE' as const, pointer: '', message: 'the flow cannot be compiled' };
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  return new ParleyError(first.code, `${first.pointer || '/'}: ${first.message}${more}`, { details: { problems } });
}
