/**
 * Per-stage tables, precomputed so that entering a stage only renders its
 * templates and filters its intents: guidance chain, tool specs, intents in
 * priority order, limits, timers.
 */
import type { ToolSpec } from '../interpreter/call-types.js';
import type { CompiledAction, CompiledBinding, CompiledStage, CompiledTransition, PlacedTemplate } from './compiled-flow.js';
import type { SourceCompiler } from './compile-sources.js';
import { compileActions } from './compile-tools.js';
import type { FlowModel, TransitionNode } from './flow-model.js';

/** Stages the conversation can be in and leave by flow events (not `end`, `transfer` or groups). */
export function isConversationKind(kind: string): boolean {
  return kind === 'talk' || kind === 'action';
}

export function compileStages(
  model: FlowModel,
  transitions: ReadonlyMap<string, CompiledTransition>,
  transitionIds: ReadonlyMap<TransitionNode, string>,
  bindings: ReadonlyMap<string, CompiledBinding>,
  sources: SourceCompiler,
): Map<string, CompiledStage> {
  const stages = new Map<string, CompiledStage>();
  const compiledOf = (node: TransitionNode) => transitions.get(transitionIds.get(node)!)!;

  for (const duplicate of model.duplicateStages) {
    sources.problem('COMPILE_STRUCTURE', duplicate.pointer, `stage "${duplicate.name}" is already defined at ${duplicate.firstPointer}; stage names are unique across the flow`);
  }

  for (const node of model.stages.values()) {
    const { name, kind, stage, pointer } = node;
    const leaf = kind !== 'group';
    if (kind === 'group') {
      if (node.children.length === 0) sources.problem('COMPILE_STRUCTURE', `${pointer}/stages`, `group "${name}" has no stages`);
      else if (stage.initial !== undefined && !node.children.includes(stage.initial)) {
        sources.problem('COMPILE_STRUCTURE', `${pointer}/initial`, `group "${name}" starts in "${stage.initial}", which is not one of its stages`);
      }
    }
    if (kind === 'transfer' && (!stage.transfer || typeof stage.transfer.to !== 'string')) {
      sources.problem('COMPILE_STRUCTURE', `${pointer}/transfer`, `transfer stage "${name}" needs transfer.to`);
    }

    const guidance: PlacedTemplate[] = [];
    for (const { template, pointer: at } of model.guidance(name)) {
      const placed = sources.template(template, at);
      if (placed) guidance.push(placed);
    }
    const say = sources.template(stage.say, `${pointer}/say`);
    const transferTo = kind === 'transfer' && stage.transfer ? sources.template(stage.transfer.to, `${pointer}/transfer/to`) : undefined;
    const callerId = kind === 'transfer' && stage.transfer ? sources.template(stage.transfer.callerId, `${pointer}/transfer/callerId`) : undefined;
    const onEnter: CompiledAction[] = compileActions(stage.onEnter, `${pointer}/onEnter`, bindings, sources);

    // `end` and `transfer` stages only say goodbye or hand over: nothing to call, nowhere to go.
    const conversation = isConversationKind(kind);
    const toolNames = conversation ? model.toolNames(name) : [];
    const toolSpecs: ToolSpec[] = [];
    for (const tool of toolNames) {
      const binding = bindings.get(tool);
      if (binding) toolSpecs.push(binding.spec);
      else sources.problem('COMPILE_STRUCTURE', `${pointer}/tools`, `stage "${name}" offers tool "${tool}", which is not a tool binding of this flow`);
    }
    const reachable = conversation ? model.reachableTransitions(name).map(compiledOf) : [];
    const intents = reachable.filter((transition) => transition.intentName !== undefined);
    const intentByName = new Map<string, CompiledTransition>();
    for (const intent of intents) if (!intentByName.has(intent.intentName!)) intentByName.set(intent.intentName!, intent);

    const limits = model.limits(name);
    for (const [key, value] of Object.entries(limits)) {
      if (typeof value === 'number' && Number.isNaN(value)) sources.problem('COMPILE_DURATION', `${pointer}/limits`, `stage "${name}" has an invalid ${key} duration`);
    }
    const ownOnLimit = stage.limits?.onLimit;
    if (ownOnLimit !== undefined && !model.stages.has(ownOnLimit)) {
      sources.problem('COMPILE_STRUCTURE', `${pointer}/limits/onLimit`, `stage "${name}" goes to "${ownOnLimit}" on a limit, which is not a stage of this flow`);
    }

    // Property by property rather than with conditional spreads (cheaper for thousands of stages); the order is the same.
    const compiled: Partial<{ -readonly [K in keyof CompiledStage]: CompiledStage[K] }> = { name, kind, parent: node.parent, leaf, guidance };
    if (say) compiled.say = say;
    if (transferTo) compiled.transfer = callerId ? { to: transferTo, callerId } : { to: transferTo };
    compiled.onEnter = onEnter;
    compiled.toolNames = new Set(toolNames);
    compiled.toolSpecs = toolSpecs;
    compiled.intents = intents;
    compiled.intentByName = intentByName;
    compiled.reachable = reachable;
    if (typeof stage.speaksFirst === 'boolean') compiled.speaksFirst = stage.speaksFirst;
    compiled.history = stage.history ?? 'keep';
    compiled.limits = limits;
    const afterTimers: Array<{ transition: string; ms: number }> = [];
    const silenceTimers: Array<{ transition: string; ms: number }> = [];
    for (const t of reachable) {
      if (t.triggers.afterMs !== undefined) afterTimers.push({ transition: t.id, ms: t.triggers.afterMs });
      if (t.triggers.silenceMs !== undefined) silenceTimers.push({ transition: t.id, ms: t.triggers.silenceMs });
    }
    compiled.afterTimers = afterTimers;
    compiled.silenceTimers = silenceTimers;
    stages.set(name, compiled as CompiledStage);
  }
  return stages;
}
