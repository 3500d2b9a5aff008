/**
 * Shortest ways through a flow to each of its transitions, for
 * `parley test --generate`: a search over the flow model from the start stage,
 * where a step is one transition and says how a test drives it — a caller
 * line with a keyword, keys, a silence, the model calling an intent or a
 * tool, or nothing at all (an action stage's tool finishing, a `when`-only
 * transition). Steps nobody has to drive cost nothing, so paths are shortest
 * in turns.
 *
 * The search state is the stage plus what `$previous` would return to, the way
 * the interpreter keeps it: a global transition remembers the stage it leaves
 * (an interruption of an interruption keeps the first), `$previous` goes back
 * there and forgets it. Groups: a stage offers its groups' transitions, and a
 * transition into a group enters the group's initial stage. `when`
 * conditions depend on call data the search does not have, so they are taken
 * as satisfiable and listed on the step for whoever fills in the case.
 */
import type { ConnectorCatalog } from '../connectors/catalog.js';
import { findOperation } from '../connectors/catalog.js';
import { bindingParameters, durationMs, type FlowModel, PREVIOUS, type TransitionNode } from '../flow/flow-model.js';
import { createKeywordMatcher } from '../flow/keyword-matcher.js';
import type { JsonSchema } from '../types/flow.generated.js';
import { samplePattern } from './sample-pattern.js';

/** How a test makes one transition fire. */
export type StepDrive =
  /** Nothing to do: a tool the stage runs by itself finished, or a `when`-only transition. */
  | { kind: 'auto'; tool?: string; outcome?: 'done' | 'error' }
  /** The caller says a line that has the keyword (or matches the pattern). */
  | { kind: 'says'; text: string }
  /** The caller says something the pattern must match, which a person writes. */
  | { kind: 'pattern'; pattern: string }
  | { kind: 'presses'; digits: string }
  /** The caller is silent this long (a `silence` or `after` timer, plus a margin). */
  | { kind: 'silence'; ms: number }
  /** The model calls an intent or a tool with arguments a person fills in. */
  | { kind: 'calls'; name: string; parameters: JsonSchema; outcome?: 'done' | 'error'; tool?: string };

/** One transition on a path. */
export interface PathStep {
  transition: TransitionNode;
  /** The stage it fires in. */
  from: string;
  /** The stage the call is in after it (`$previous` and groups resolved). */
  to: string;
  drive: StepDrive;
}

/** The way to one transition: steps from the start, the last one firing it. */
export interface TransitionPath {
  target: TransitionNode;
  steps: PathStep[];
}

/** A transition no path reaches, and why. */
export interface UnreachableTransition {
  target: TransitionNode;
  reason: string;
}

export interface TransitionPaths {
  /** The stage the call starts in. */
  start: string | undefined;
  paths: Map<string, TransitionPath>;
  unreachable: UnreachableTransition[];
}

/** Call time a test stays silent beyond a timer, so the timer has fired. */
export const TIMER_MARGIN_MS = 1000;

interface SearchState {
  stage: string;
  previous: string | null;
  interrupted: boolean;
}

const keyOf = (state: SearchState) => `${state.stage}\u0000${state.previous ?? ''}\u0000${state.interrupted}`;

/** Tools a stage runs by itself on entry (its `onEnter`, and its groups'; the start stage also `onStart`). */
function toolsRunOnEntry(model: FlowModel, stage: string, start: string | undefined): Set<string> {
  const runs = new Set<string>();
  for (const name of [stage, ...model.ancestors(stage)]) {
    for (const action of model.stages.get(name)?.stage.onEnter ?? []) if ('run' in action && typeof action.run === 'string') runs.add(action.run);
  }
  if (stage === start) for (const action of model.flow.onStart ?? []) if ('run' in action && typeof action.run === 'string') runs.add(action.run);
  return runs;
}

/**
 * How to drive a transition in a stage, the cheapest way its triggers allow:
 * by itself, keywords, keys, a timer, a pattern, then the model. A string
 * says why it cannot be driven there.
 */
export function driveOf(model: FlowModel, node: TransitionNode, stage: string, start: string | undefined, catalog?: ConnectorCatalog): StepDrive | string {
  const t = node.transition;
  const stageNode = model.stages.get(stage);
  const on = typeof t.on === 'string' ? /^(.+)\.(done|error)$/.exec(t.on) : null;
  if (on) {
    const [, tool, outcome] = on as unknown as [string, string, 'done' | 'error'];
    if (toolsRunOnEntry(model, stage, start).has(tool)) return { kind: 'auto', tool, outcome };
    if (model.toolNames(stage).includes(tool) && stageNode?.kind !== 'action') {
      const binding = model.flow.tools?.[tool];
      const parameters = binding ? bindingParameters(binding, catalog ? findOperation(catalog, binding.use) : undefined) : { type: 'object' };
      return { kind: 'calls', name: tool, parameters, outcome, tool };
    }
    return `\`${tool}\` is neither run by \`${stage}\` on entry nor offered to the model there`;
  }
  if (Array.isArray(t.keywords) && t.keywords.length > 0) {
    const matcher = createKeywordMatcher(t.keywords);
    const word = t.keywords.find((keyword) => matcher.match(keyword) !== undefined);
    if (word) return { kind: 'says', text: word };
  }
  if (t.dtmf !== undefined) return { kind: 'presses', digits: t.dtmf };
  const timer = t.silence ?? t.after;
  if (timer !== undefined && Number.isFinite(durationMs(timer))) return { kind: 'silence', ms: durationMs(timer) + TIMER_MARGIN_MS };
  const sampled = typeof t.pattern === 'string' ? samplePattern(t.pattern) : undefined;
  if (sampled !== undefined) return { kind: 'says', text: sampled };
  if (t.intent !== undefined && node.intentName) {
    if (stageNode?.kind === 'action') return `\`${stage}\` is an action stage: the model takes no turn there to call \`${node.intentName}\``;
    const collect = t.collect ?? {};
    const optional = new Set(t.optional ?? []);
    return { kind: 'calls', name: node.intentName, parameters: { type: 'object', properties: collect, required: Object.keys(collect).filter((key) => !optional.has(key)) } };
  }
  if (typeof t.pattern === 'string') return { kind: 'pattern', pattern: t.pattern };
  if (t.intent === undefined && t.on === undefined && t.keywords === undefined && t.dtmf === undefined) return { kind: 'auto' };
  return 'it has no trigger a test can drive';
}

/** Turns a path costs: steps that are not `auto`. */
function cost(drive: StepDrive): 0 | 1 {
  return drive.kind === 'auto' ? 0 : 1;
}

/**
 * The steps an action stage takes by itself until the call rests in a stage
 * that waits for the caller: its first route that is not an error route
 * (a test expects the stage the call rests in, not one it passes through).
 */
export function continueToRest(model: FlowModel, stage: string, start: string | undefined): PathStep[] {
  const steps: PathStep[] = [];
  const seen = new Set<string>();
  let current = stage;
  while (model.stages.get(current)?.kind === 'action' && !seen.has(current)) {
    seen.add(current);
    let found: PathStep | undefined;
    for (const node of model.reachableTransitions(current)) {
      const drive = driveOf(model, node, current, start);
      if (typeof drive === 'string' || drive.kind !== 'auto' || drive.outcome === 'error' || node.transition.to === PREVIOUS) continue;
      const to = model.entryLeaf(node.transition.to);
      if (to !== undefined) found = { transition: node, from: current, to, drive };
      break;
    }
    if (!found) break;
    steps.push(found);
    current = found.to;
  }
  return steps;
}

/** Shortest paths (in turns) from the start to every transition of the flow. */
export function findTransitionPaths(model: FlowModel, options: { catalog?: ConnectorCatalog } = {}): TransitionPaths {
  const start = typeof model.flow.initial === 'string' ? model.entryLeaf(model.flow.initial) : undefined;
  const paths = new Map<string, TransitionPath>();
  const why = new Map<string, string>();
  if (start === undefined) {
    return { start, paths, unreachable: model.transitions.map((target) => ({ target, reason: 'the flow has no start stage' })) };
  }
  // 0-1 breadth-first search: free steps go to the front of the queue.
  const initial: SearchState = { stage: start, previous: null, interrupted: false };
  const best = new Map<string, { turns: number; steps: PathStep[] }>([[keyOf(initial), { turns: 0, steps: [] }]]);
  const queue: SearchState[] = [initial];
  const done = new Set<string>();
  while (queue.length > 0) {
    const state = queue.shift()!;
    const key = keyOf(state);
    if (done.has(key)) continue;
    done.add(key);
    const here = best.get(key)!;
    const kind = model.stages.get(state.stage)?.kind;
    // `end` and `transfer` stages: nothing leaves them.
    if (kind !== 'talk' && kind !== 'action') continue;
    for (const node of model.reachableTransitions(state.stage)) {
      const drive = driveOf(model, node, state.stage, start, options.catalog);
      if (typeof drive === 'string') {
        if (!why.has(node.pointer)) why.set(node.pointer, `in \`${state.stage}\`, ${drive}`);
        continue;
      }
      let next: SearchState;
      if (node.transition.to === PREVIOUS) {
        if (state.previous === null) {
          if (!why.has(node.pointer)) why.set(node.pointer, `in \`${state.stage}\` there is no stage to return to (\`$previous\` needs a global transition first)`);
          continue;
        }
        next = { stage: state.previous, previous: null, interrupted: false };
      } else {
        const leaf = model.entryLeaf(node.transition.to);
        if (leaf === undefined) {
          why.set(node.pointer, `its target \`${node.transition.to}\` is not a stage`);
          continue;
        }
        next = node.source === null
          ? { stage: leaf, previous: state.interrupted && state.previous !== null ? state.previous : state.stage, interrupted: true }
          : { stage: leaf, previous: state.previous, interrupted: false };
      }
      const step: PathStep = { transition: node, from: state.stage, to: next.stage, drive };
      const steps = [...here.steps, step];
      const turns = here.turns + cost(drive);
      const known = paths.get(node.pointer);
      if (!known || turns < known.steps.reduce((n, s) => n + cost(s.drive), 0)) paths.set(node.pointer, { target: node, steps: [...steps, ...continueToRest(model, next.stage, start)] });
      const nextKey = keyOf(next);
      const seen = best.get(nextKey);
      if (!seen || turns < seen.turns) {
        best.set(nextKey, { turns, steps });
        if (cost(drive) === 0) queue.unshift(next);
        else queue.push(next);
      }
    }
  }
  const unreachable = model.transitions
    .filter((node) => !paths.has(node.pointer))
    .map((target) => ({
      target,
      reason: why.get(target.pointer) ?? (target.source === null ? 'no stage that accepts global transitions can be reached' : `its stage \`${target.source}\` cannot be reached from \`${start}\``),
    }));
  return { start, paths, unreachable };
}
