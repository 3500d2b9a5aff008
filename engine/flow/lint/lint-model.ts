/**
 * The FlowModel plus indexes only the linter needs. The model remembers its
 * own answers (flow-model.ts), shared with the compiler; these two indexes
 * are built in one pass the first time a check asks.
 */
import type { FlowModel } from '../flow-model.js';

/** A FlowModel plus indexes the checks share. */
export interface LintModel extends FlowModel {
  /** Stages (not groups) inside a stage, the stage itself when it is not a group. */
  leavesUnder(stage: string): readonly string[];
  /** Stages where the model may call a tool binding (those that list it, inherit it, or get it as a global tool). */
  stagesOffering(tool: string): readonly string[];
}

export function createLintModel(model: FlowModel): LintModel {
  const under = new Map<string, string[]>();
  let offering: Map<string, string[]> | undefined;

  return {
    flow: model.flow,
    stages: model.stages,
    duplicateStages: model.duplicateStages,
    transitions: model.transitions,
    globalTransitions: model.globalTransitions,
    transitionsOf: model.transitionsOf,
    ancestors: model.ancestors,
    entryLeaf: model.entryLeaf,
    leaves: model.leaves,
    guidance: model.guidance,
    toolNames: model.toolNames,
    intents: model.intents,
    reachableTransitions: model.reachableTransitions,
    limits: model.limits,
    acceptsGlobal: model.acceptsGlobal,
    leavesUnder(stage) {
      if (under.size === 0) {
        // One pass: each leaf belongs to itself and to each of its groups.
        for (const leaf of model.leaves()) {
          for (const owner of [leaf.name, ...model.ancestors(leaf.name)]) {
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
        for (const leaf of model.leaves()) {
          for (const name of model.toolNames(leaf.name)) {
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
