/**
 * The FlowModel's queries, remembered for one lint run. The model answers
 * each query from scratch (it stays simple, and the compiler asks each once);
 * the linter asks the same ones for every stage, site and variable, which on
 * a 1,000-stage flow turns cheap queries into most of the time and garbage.
 * The flow does not change during a lint, so every answer can be kept.
 */
import type { FlowModel, StageNode, TransitionNode } from '../flow-model.js';

/** A FlowModel whose queries are computed once, plus indexes the checks share. */
export interface LintModel extends FlowModel {
  /** Stages (not groups) inside a stage, the stage itself when it is not a group. */
  leavesUnder(stage: string): readonly string[];
  /** Stages where the model may call a tool binding (those that list it, inherit it, or get it as a global tool). */
  stagesOffering(tool: string): readonly string[];
}

function memo<T>(compute: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined && !cache.has(key)) {
      value = compute(key);
      cache.set(key, value);
    }
    return value as T;
  };
}

export function createLintModel(model: FlowModel): LintModel {
  const ancestors = memo((stage) => model.ancestors(stage));
  const toolNames = memo((stage) => model.toolNames(stage));
  const reachableTransitions = memo((stage) => model.reachableTransitions(stage));
  const intents = memo((stage) => model.intents(stage));
  const entryLeaf = memo((stage) => model.entryLeaf(stage));
  const limits = memo((stage) => model.limits(stage));
  const guidance = memo((stage) => model.guidance(stage));
  const acceptsGlobal = memo((stage) => model.acceptsGlobal(stage));
  let leaves: StageNode[] | undefined;
  const allLeaves = () => (leaves ??= model.leaves());

  const under = new Map<string, string[]>();
  let offering: Map<string, string[]> | undefined;

  return {
    flow: model.flow,
    stages: model.stages,
    duplicateStages: model.duplicateStages,
    transitions: model.transitions,
    globalTransitions: model.globalTransitions,
    transitionsOf: (stage) => model.transitionsOf(stage),
    ancestors: (stage) => ancestors(stage),
    entryLeaf,
    leaves: allLeaves,
    guidance,
    toolNames: (stage) => toolNames(stage),
    intents: (stage) => intents(stage) as TransitionNode[],
    reachableTransitions: (stage) => reachableTransitions(stage) as TransitionNode[],
    limits,
    acceptsGlobal,
    leavesUnder(stage) {
      if (under.size === 0) {
        // One pass: each leaf belongs to itself and to each of its groups.
        for (const leaf of allLeaves()) {
          for (const owner of [leaf.name, ...ancestors(leaf.name)]) {
            let list = under.get(owner);
            if (!list) under.set(owner, (list = []));
            list.push(leaf.name);
          }
        }
      }
      return under.get(stage) ?? [];
    },
    stagesOffering(tool) {
      if (!offering) {
        offering = new Map();
        for (const leaf of allLeaves()) {
          for (const name of toolNames(leaf.name)) {
            let list = offering.get(name);
            if (!list) offering.set(name, (list = []));
            list.push(leaf.name);
          }
        }
      }
      return offering.get(tool) ?? [];
    },
  };
}
