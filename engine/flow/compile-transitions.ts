/**
 * Every transition of the flow (stages' `next`, then `global`), compiled once:
 * triggers, guard, `set`, and for intents the function the model sees and the
 * schema its arguments are checked against. Ids (`t0`, `t1`, …) follow the
 * flow model's order, so they are stable for a flow version (snapshots and
 * timer keys refer to them).
 */
import type { CompiledTransition, TransitionTriggers } from './compiled-flow.js';
import type { SourceCompiler } from './compile-sources.js';
import { type FlowModel, intentToolSpec, PREVIOUS } from './flow-model.js';
import { createKeywordMatcher, createPatternMatcher } from './keyword-matcher.js';

/** Id of the transition at `index` in `model.transitions`. */
export function transitionId(index: number): string {
  return `t${index}`;
}

export function compileTransitions(model: FlowModel, sources: SourceCompiler): Map<string, CompiledTransition> {
  const compiled = new Map<string, CompiledTransition>();
  model.transitions.forEach((node, index) => {
    const { transition, pointer } = node;
    const id = transitionId(index);
    const toPrevious = transition.to === PREVIOUS;
    if (!toPrevious && !model.stages.has(transition.to)) {
      sources.problem('COMPILE_STRUCTURE', `${pointer}/to`, `transition targets "${transition.to}", which is not a stage of this flow`);
    }

    const triggers: TransitionTriggers = { intent: transition.intent !== undefined };
    if (transition.on !== undefined) {
      const match = /^(.+)\.(done|error)$/.exec(transition.on);
      if (!match) sources.problem('COMPILE_STRUCTURE', `${pointer}/on`, `"on" must be "<tool>.done" or "<tool>.error", not "${transition.on}"`);
      else triggers.on = { tool: match[1]!, outcome: match[2] as 'done' | 'error' };
    }
    if (Array.isArray(transition.keywords) && transition.keywords.length > 0) {
      triggers.keywords = { words: transition.keywords, matcher: createKeywordMatcher(transition.keywords) };
    }
    if (transition.pattern !== undefined) {
      const pattern = sources.pattern(transition.pattern, `${pointer}/pattern`);
      if (pattern) triggers.pattern = createPatternMatcher(pattern);
    }
    if (transition.dtmf !== undefined) triggers.dtmf = transition.dtmf;
    const afterMs = sources.duration(transition.after, `${pointer}/after`);
    if (afterMs !== undefined) triggers.afterMs = afterMs;
    const silenceMs = sources.duration(transition.silence, `${pointer}/silence`);
    if (silenceMs !== undefined) triggers.silenceMs = silenceMs;

    const conditionOnly =
      !triggers.intent && !triggers.on && !triggers.keywords && !triggers.pattern && triggers.dtmf === undefined && afterMs === undefined && silenceMs === undefined;
    const when = transition.when !== undefined ? sources.expression(transition.when, `${pointer}/when`) : undefined;
    const collect = transition.intent !== undefined && transition.collect ? transition.collect : undefined;
    const spec = triggers.intent ? intentToolSpec(transition) : undefined;

    // Property by property rather than with conditional spreads (cheaper for thousands of transitions); the order is the same.
    const entry: Partial<{ -readonly [K in keyof CompiledTransition]: CompiledTransition[K] }> = { id, source: node.source, pointer, to: transition.to, toPrevious, triggers, conditionOnly };
    if (when) entry.when = when;
    entry.set = sources.assignments(transition.set, `${pointer}/set`);
    if (node.intentName) entry.intentName = node.intentName;
    if (spec) {
      entry.intentSpec = spec;
      entry.collectSchema = spec.parameters;
    }
    entry.collectKeys = collect ? Object.keys(collect) : [];
    compiled.set(id, entry as CompiledTransition);
  });
  return compiled;
}
