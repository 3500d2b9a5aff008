/**
 * The stage graph: every name a flow uses for a stage resolves; every stage
 * can be reached and (unless it ends the call) left; groups, `action` and
 * `transfer` stages have what their kind needs; fields that do nothing where
 * they are written are pointed out.
 */
import { PREVIOUS, type StageNode } from '../flow-model.js';
import { joinPointer, parsePointer } from '../json-pointer.js';
import { didYouMean, listNames } from './did-you-mean.js';
import { arrayOf, isObject, isString, type LintContext } from './lint-context.js';
import { buildStageGraph, isFinal, type StageGraph } from './stage-graph.js';
import { toolsRunOnEnter } from './tool-check.js';

/** Triggers that fire a transition; `when` is a condition, counted separately. */
export const TRIGGERS = ['intent', 'on', 'keywords', 'pattern', 'dtmf', 'after', 'silence'] as const;

export function hasTrigger(transition: Record<string, unknown>): boolean {
  return TRIGGERS.some((trigger) => transition[trigger] !== undefined);
}

export function checkStages(context: LintContext, graph: StageGraph = buildStageGraph(context.model)): void {
  const { model, flow, report } = context;
  const names = [...model.stages.keys()];

  /** Reports a name that is not a stage, with a did-you-mean. */
  const checkTarget = (pointer: string, target: unknown, what: string): boolean => {
    if (!isString(target) || target === PREVIOUS) return true;
    if (model.stages.has(target)) return true;
    report('FLOW_UNKNOWN_STAGE', pointer, `${what} names stage \`${target}\`, which does not exist.`, {
      hint: didYouMean(target, names) ?? (names.length ? `Stages are ${listNames(names)}.` : 'Add the stage under `stages`.'),
    });
    return false;
  };

  const placeOf = (pointer: string) => {
    const segments = parsePointer(pointer);
    return segments.length >= 4 ? `in group \`${segments[segments.length - 3]}\`` : 'at the top level';
  };
  for (const duplicate of model.duplicateStages) {
    report('FLOW_DUPLICATE_STAGE', duplicate.pointer, `Stage \`${duplicate.name}\` is defined twice: ${placeOf(duplicate.firstPointer)} and again ${placeOf(duplicate.pointer)}. Stage names are unique across the whole flow, groups included.`, {
      hint: 'Rename one of them and update the transitions that lead to it.',
      at: 'key',
    });
  }

  checkTarget('/initial', flow.initial, 'The flow\'s `initial`');
  checkTarget('/onError', flow.onError, 'The flow\'s `onError`');
  if (isObject(flow.limits)) checkTarget('/limits/onLimit', flow.limits.onLimit, "The flow's `limits.onLimit`");
  for (const transition of model.transitions) {
    const where = transition.source === null ? `Global transition ${transition.index + 1}` : `Transition ${transition.index + 1} of stage \`${transition.source}\``;
    checkTarget(`${transition.pointer}/to`, transition.transition.to, where);
  }

  for (const node of model.stages.values()) checkStage(context, node, checkTarget);

  // Reachability: a group is reported once, not each stage inside it.
  if (graph.entry !== undefined) {
    const reported = new Set<string>();
    for (const node of model.stages.values()) {
      if (model.ancestors(node.name).some((ancestor) => reported.has(ancestor))) continue;
      // A group that cannot be entered (its `initial` is wrong) is reported as such, not as unreachable.
      if (node.kind === 'group' && model.entryLeaf(node.name) === undefined) {
        reported.add(node.name);
        continue;
      }
      const leavesInside = model.leavesUnder(node.name);
      if (node.kind === 'group' && leavesInside.length === 0) continue;
      if (leavesInside.some((leaf) => graph.reachable.has(leaf))) continue;
      reported.add(node.name);
      report('FLOW_UNREACHABLE_STAGE', node.pointer, `No path from the first stage (\`${graph.entry}\`) leads to ${node.kind === 'group' ? 'group' : 'stage'} \`${node.name}\`, so calls never enter it.`, {
        hint: 'Add a transition to it (`to: ' + node.name + '`), or remove it.',
        at: 'key',
      });
    }
  }

  for (const leaf of graph.leaves) {
    if (leaf.kind === 'action') checkActionRoutes(context, leaf);
    else if (!isFinal(leaf)) checkWayOut(context, graph, leaf);
  }
}

function checkStage(context: LintContext, node: StageNode, checkTarget: (pointer: string, target: unknown, what: string) => boolean): void {
  const { report } = context;
  const stage = node.stage as unknown as Record<string, unknown>;
  const label = `stage \`${node.name}\``;

  if (isObject(stage.limits)) checkTarget(`${node.pointer}/limits/onLimit`, stage.limits.onLimit, `The \`limits.onLimit\` of ${label}`);

  if (node.kind === 'group') {
    if (stage.stages === undefined) {
      report('FLOW_EMPTY_GROUP', node.pointer, `Group \`${node.name}\` has no nested stages.`, { hint: 'Add nested `stages`, or make it a `talk` stage (remove `type: group`).', at: 'key' });
    } else if (isString(stage.initial) && !node.children.includes(stage.initial)) {
      if (checkTarget(`${node.pointer}/initial`, stage.initial, `The \`initial\` of group \`${node.name}\``)) {
        report('FLOW_GROUP_INITIAL', `${node.pointer}/initial`, `The \`initial\` of group \`${node.name}\` is \`${stage.initial}\`, which is not one of its own nested stages.`, {
          hint: node.children.length ? `Its nested stages are ${listNames(node.children)}.` : undefined,
        });
      }
    }
  } else {
    for (const field of ['stages', 'initial'] as const) {
      if (stage[field] !== undefined) {
        report('FLOW_IGNORED_PROPERTY', `${node.pointer}/${field}`, `\`${field}\` only applies to \`group\` stages; ${label} is a \`${node.kind}\` stage, so it is ignored${field === 'stages' ? ' (and the stages in it do not exist)' : ''}.`, {
          hint: 'Add `type: group` to the stage, or remove the field.',
          at: 'key',
        });
      }
    }
  }

  if (node.kind === 'transfer' && stage.transfer === undefined) {
    report('FLOW_TRANSFER_NO_DESTINATION', node.pointer, `Transfer ${label} does not say where the call goes.`, {
      hint: 'Add `transfer: { to: "+15125550199" }` (a number in E.164 or a `sip:` address; a template such as "{{org.escalationPhone}}" works too).',
      at: 'key',
    });
  } else if (node.kind !== 'transfer' && stage.transfer !== undefined) {
    report('FLOW_IGNORED_PROPERTY', `${node.pointer}/transfer`, `\`transfer\` only applies to \`transfer\` stages; ${label} is a \`${node.kind}\` stage, so it is ignored.`, {
      hint: 'Add `type: transfer` to the stage, or remove the field.',
      at: 'key',
    });
  }

  if (isFinal(node) && arrayOf(stage.next).length > 0) {
    report('FLOW_NEXT_IGNORED', `${node.pointer}/next`, `${label.replace(/^./, (c) => c.toUpperCase())} is an \`${node.kind}\` stage: the call ${node.kind === 'end' ? 'ends' : 'is handed on'} there, so its \`next\` transitions never fire.`, {
      hint: node.kind === 'end' ? 'Remove `next`, or make it a `talk` stage.' : 'Remove `next`; a failed transfer goes to the flow\'s `onError`.',
      at: 'key',
    });
  }

  // Transition fields that only mean something with an intent.
  context.model.transitionsOf(node.name).forEach((transition) => checkTransitionFields(context, transition.pointer, transition.transition as unknown as Record<string, unknown>));
}

/** `collect`, `optional` and `name` belong to intents; `optional` names must be collected. */
export function checkTransitionFields(context: LintContext, pointer: string, transition: Record<string, unknown>): void {
  if (transition.intent === undefined) {
    for (const field of ['collect', 'optional', 'name'] as const) {
      if (transition[field] === undefined) continue;
      context.report('FLOW_IGNORED_PROPERTY', `${pointer}/${field}`, `\`${field}\` only applies to transitions with an \`intent\`; this transition has none, so it is ignored.`, {
        hint: 'Add an `intent` (when the model should take the transition), or remove the field.',
        at: 'key',
      });
    }
    return;
  }
  const collected = isObject(transition.collect) ? Object.keys(transition.collect) : [];
  arrayOf(transition.optional).forEach((name, index) => {
    if (!isString(name) || collected.includes(name)) return;
    context.report('FLOW_IGNORED_PROPERTY', joinPointer(pointer, 'optional', index), `\`${name}\` is listed in \`optional\` but not collected, so it is ignored.`, {
      hint: didYouMean(name, collected) ?? (collected.length ? `Collected values are ${listNames(collected)}.` : 'Add it to `collect`.'),
    });
  });
}

/** A conversation stage needs a way out: a transition (own, group, global) or a limit with `onLimit`. */
function checkWayOut(context: LintContext, graph: StageGraph, leaf: StageNode): void {
  const ways = context.model.reachableTransitions(leaf.name).filter((transition) => {
    const target = transition.transition.to;
    if (!isString(target)) return false;
    // Transitions to unknown stages are reported as such; do not add "dead end" on top.
    if (target === PREVIOUS || !context.model.stages.has(target)) return true;
    return context.model.entryLeaf(target) !== leaf.name;
  });
  if (ways.length > 0 || graph.edgesFrom(leaf.name).some((edge) => edge.via === 'limit')) return;
  context.report('FLOW_DEAD_END', leaf.pointer, `Stage \`${leaf.name}\` has no way out: no transition leads from it to another stage, and no limit routes to \`onLimit\`. A call that gets here can only end when the caller hangs up.`, {
    hint: 'Add a transition under `next`, add `limits` with `onLimit`, or make it an `end` stage (`type: end`).',
    at: 'key',
  });
}

/**
 * An `action` stage has no model turn: it routes on the tools it runs
 * (`on: <tool>.done|error`), on `when` conditions, or after a timer.
 */
function checkActionRoutes(context: LintContext, leaf: StageNode): void {
  const { model, report } = context;
  const runs = toolsRunOnEnter(context, leaf.name);
  const chain = [leaf.name, ...model.ancestors(leaf.name)];
  const transitions = chain.flatMap((stage) => model.transitionsOf(stage));
  const onTools = (suffix: string) =>
    new Set(transitions.flatMap((t) => (isString(t.transition.on) && t.transition.on.endsWith(suffix) ? [t.transition.on.slice(0, -suffix.length)] : [])));
  const done = onTools('.done');
  const failed = onTools('.error');
  const routes = transitions.filter(
    (t) => t.transition.when !== undefined || t.transition.after !== undefined || (isString(t.transition.on) && runs.has(t.transition.on.replace(/\.(done|error)$/, ''))),
  );
  if (routes.length === 0) {
    const ran = [...runs];
    report('FLOW_ACTION_CANNOT_ROUTE', leaf.pointer, `Action stage \`${leaf.name}\` has no transition that can fire without the model${ran.length ? ` (it runs ${listNames(ran)})` : ' (and runs no tool)'}: the call would stop there.`, {
      hint: ran.length
        ? `Add \`next\` transitions with \`on: ${ran[0]}.done\` and \`on: ${ran[0]}.error\`, or a \`when\` condition.`
        : 'Run a tool in `onEnter` and route on `on: <tool>.done` / `.error`, or add a `when` condition.',
      at: 'key',
    });
    return;
  }
  if (transitions.some((t) => t.transition.after !== undefined || t.transition.when === 'true')) return;
  for (const tool of runs) {
    if (done.has(tool) && !failed.has(tool)) {
      report('FLOW_ACTION_CANNOT_ROUTE', leaf.pointer, `Action stage \`${leaf.name}\` routes when \`${tool}\` succeeds but not when it fails or times out: the call would stop there.`, {
        hint: `Add a transition with \`on: ${tool}.error\` (e.g. to a stage that apologises or transfers).`,
        at: 'key',
      });
    }
  }
}
