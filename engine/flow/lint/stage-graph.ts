/**
 * The flow as a graph of the stages a call can actually be in (groups resolve
 * to the nested stage entered): which ways lead out of each, and which stages
 * a call can reach. Reachability, dead-end and dataflow checks all walk this
 * one graph.
 *
 * Edges out of a stage: its own transitions, its groups' and (where they
 * apply) the global ones; the `onLimit` route when a budget is set; and the
 * flow's `onError` route (the model connection can fail anywhere). `end` and
 * `transfer` stages have none. `to: $previous` returns to a stage the call was
 * already in, so it adds no edge (and no new way to reach a stage).
 */
import type { FlowModel, StageNode, TransitionNode } from '../flow-model.js';
import { PREVIOUS } from '../flow-model.js';
import { isString } from './lint-context.js';

export interface StageEdge {
  from: string;
  /** The stage entered (a group's entry stage, not the group). */
  to: string;
  via: 'transition' | 'limit' | 'error';
  transition?: TransitionNode;
}

export interface StageGraph {
  /** The stage a call starts in; undefined when `initial` does not resolve. */
  readonly entry: string | undefined;
  /** Stages a call can be in (not groups), in document order. */
  readonly leaves: readonly StageNode[];
  edgesFrom(stage: string): readonly StageEdge[];
  /** Stages reachable from the entry. */
  readonly reachable: ReadonlySet<string>;
  /** Whether the model talks in the stage (it does not in `action` stages). */
  talks(stage: string): boolean;
}

/** `end` and `transfer` stages finish the call: nothing leads out of them. */
export const isFinal = (node: StageNode | undefined) => node?.kind === 'end' || node?.kind === 'transfer';

/** Whether a stage's limits can route to `onLimit`: a target and at least one budget. */
function limitTarget(model: FlowModel, stage: string): string | undefined {
  const limits = model.limits(stage);
  const hasBudget = limits.maxTurns !== undefined || limits.maxDurationMs !== undefined || limits.silenceMs !== undefined || limits.maxCallDurationMs !== undefined;
  return hasBudget && isString(limits.onLimit) ? limits.onLimit : undefined;
}

export function buildStageGraph(model: FlowModel): StageGraph {
  const leaves = model.leaves();
  const flow = model.flow;
  const entry = isString(flow.initial) ? model.entryLeaf(flow.initial) : undefined;
  const errorTarget = isString(flow.onError) ? model.entryLeaf(flow.onError) : undefined;
  const edges = new Map<string, StageEdge[]>();

  for (const leaf of leaves) {
    const list: StageEdge[] = [];
    edges.set(leaf.name, list);
    if (isFinal(leaf)) continue;
    for (const transition of model.reachableTransitions(leaf.name)) {
      const target = transition.transition.to;
      if (!isString(target) || target === PREVIOUS) continue;
      const to = model.entryLeaf(target);
      if (to !== undefined) list.push({ from: leaf.name, to, via: 'transition', transition });
    }
    const limit = limitTarget(model, leaf.name);
    const limitLeaf = limit !== undefined ? model.entryLeaf(limit) : undefined;
    if (limitLeaf !== undefined) list.push({ from: leaf.name, to: limitLeaf, via: 'limit' });
    if (errorTarget !== undefined && errorTarget !== leaf.name) list.push({ from: leaf.name, to: errorTarget, via: 'error' });
  }

  const reachable = new Set<string>();
  if (entry !== undefined) {
    const queue = [entry];
    reachable.add(entry);
    for (let i = 0; i < queue.length; i++) {
      for (const edge of edges.get(queue[i]!) ?? []) {
        if (!reachable.has(edge.to)) {
          reachable.add(edge.to);
          queue.push(edge.to);
        }
      }
    }
  }

  return {
    entry,
    leaves,
    edgesFrom: (stage) => edges.get(stage) ?? [],
    reachable,
    talks: (stage) => {
      const kind = model.stages.get(stage)?.kind;
      return kind !== 'action';
    },
  };
}
