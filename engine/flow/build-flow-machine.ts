/**
 * The XState machine of a flow, as plain config data: guards and actions are
 * referred to by name with params (`{ type: 'when', params: { t: 't3' } }`) and
 * bound per call with `machine.provide()`.
 *
 *   flow:<id>                       root; `parley.ctl.assign` stores values in any state
 *   ├─ starting                     onStart runs here; `parley.ctl.started` → the initial stage
 *   ├─ running                      global transitions, `onError`, the flow's `onLimit`
 *   │   ├─ <stage>  (id: name)      its own transitions and `onLimit`
 *   │   └─ <group>  (id: name)      compound: its transitions and `onLimit` are inherited by its stages
 *   │        └─ <stage> …
 *   ├─ ending                       onEnd runs here
 *   └─ ended                        final
 *
 * XState checks the deepest state first and a state's transitions in order, so
 * "the stage's own transitions, then its groups' (inner first), then global,
 * each list in document order" is XState's own selection rule. `end` and
 * `transfer` stages swallow every flow event (`parley.flow.*`), so nothing —
 * global transitions included — can leave them; only the call's end can.
 *
 * `$previous`: targets are static in XState, so `$previous` transitions all go
 * to one transient state under `running` (`#$previous`, a key no stage can
 * have) whose eventless (`always`) branches, one per stage a global
 * transition can interrupt, each guarded by "the remembered stage is this
 * one", continue to that stage in the same step. Global transitions remember
 * the stage they leave (`rememberPrevious`); returning forgets it. The hub is
 * built once, however many `$previous` transitions the flow has.
 */
import { createMachine, type AnyStateMachine } from 'xstate';
import {
  afterEventType,
  type FiredParams,
  type FiredTrigger,
  type GuardParams,
  intentEventType,
  MachineAction,
  MachineEventType,
  MachineGuard,
  type PreviousParams,
  RETURN_HUB,
  silenceEventType,
  toolEventType,
} from '../interpreter/machine-events.js';
import type { CompiledStage, CompiledTransition } from './compiled-flow.js';
import { isConversationKind } from './compile-stages.js';
import type { FlowModel, TransitionNode } from './flow-model.js';

/** The machine's context: the flow's variables and the stage `$previous` returns to. */
export interface FlowMachineContext {
  vars: Record<string, unknown>;
  previous: string | null;
}

/** Input of a machine run (`initialTransition(machine, input)`). */
export interface FlowMachineInput {
  vars: Record<string, unknown>;
}

/**
 * Builds the initial context from the input (one shared function, so configs
 * compare equal). XState's pure `transition()` builds a throw-away actor on
 * every call, which computes an initial snapshot without input: that must be
 * cheap and must not throw (an exception per step costs more than the step).
 */
export const machineContextFromInput = ({ input }: { input: FlowMachineInput | undefined }): FlowMachineContext => ({
  vars: input?.vars ?? {},
  previous: null,
});

/** Id of the root state node of a flow's machine. */
export function machineId(flowId: string): string {
  return `flow:${flowId}`;
}

type Action = { type: string; params?: Record<string, unknown> };
type TransitionConfig = { target?: string; guard?: { type: string; params: GuardParams | PreviousParams }; actions?: Action[]; reenter?: boolean };
type OnMap = Record<string, TransitionConfig[]>;
type StateConfig = {
  id?: string;
  initial?: string;
  type?: 'final';
  entry?: Action[];
  on?: OnMap;
  always?: TransitionConfig[];
  states?: Record<string, StateConfig>;
};

/** The `onLimit` route; a stage's own route back to itself re-enters it. */
function limitTransition(target: string, ownerIsLeaf: boolean): TransitionConfig {
  return {
    target: `#${target}`,
    actions: [{ type: MachineAction.fired, params: { trigger: 'limit' } satisfies FiredParams }],
    ...(ownerIsLeaf ? { reenter: true } : {}),
  };
}

export interface MachineParts {
  flowId: string;
  model: FlowModel;
  stages: ReadonlyMap<string, CompiledStage>;
  transitions: ReadonlyMap<string, CompiledTransition>;
  transitionIds: ReadonlyMap<TransitionNode, string>;
  initialStage: string;
  onError?: string;
}

export function buildFlowMachineConfig(parts: MachineParts): Record<string, unknown> {
  const { model, stages, transitions, transitionIds } = parts;
  // Stages a global transition can interrupt: where `$previous` can return to.
  const previousCandidates = [...stages.values()].filter((stage) => stage.leaf && isConversationKind(stage.kind)).map((stage) => stage.name);

  const push = (on: OnMap, event: string, config: TransitionConfig) => {
    (on[event] ??= []).push(config);
  };

  /** Adds the XState transitions of one flow transition, declared on state `owner` (null = `running`). */
  // Objects are built property by property rather than with conditional
  // spreads (`...(x ? { y } : {})`), which cost several times more per object
  // and run thousands of times for a large flow; the property order is the same.
  const addTransition = (on: OnMap, transition: CompiledTransition, owner: string | null) => {
    const ownerIsLeaf = owner !== null && stages.get(owner)?.leaf === true;
    const actions = (trigger: FiredTrigger): Action[] => {
      const list: Action[] = [{ type: MachineAction.fired, params: { t: transition.id, trigger } satisfies FiredParams }];
      if (transition.collectKeys.length > 0) list.push({ type: MachineAction.collect, params: { t: transition.id } });
      if (transition.set.length > 0) list.push({ type: MachineAction.set, params: { t: transition.id } });
      if (transition.source === null) list.push({ type: MachineAction.rememberPrevious });
      return list;
    };
    const target = `#${transition.toPrevious ? RETURN_HUB : transition.to}`;
    const branches = (event: string, trigger: FiredTrigger, guardType: string | undefined) => {
      const type = guardType ?? (transition.when || transition.toPrevious ? MachineGuard.when : undefined);
      const config: TransitionConfig = { target };
      if (type) {
        const params: GuardParams = { t: transition.id };
        if (transition.toPrevious) params.returns = true;
        config.guard = { type, params };
      }
      config.actions = actions(trigger);
      // A stage's own transition back to itself re-enters it; a group's or a
      // global one re-enters by statechart rules already (it leaves its
      // descendants), and must not re-enter the group itself.
      if (ownerIsLeaf) config.reenter = true;
      push(on, event, config);
    };
    const { triggers } = transition;
    if (triggers.intent && transition.intentName) branches(intentEventType(transition.intentName), 'intent', undefined);
    if (triggers.on) branches(toolEventType(triggers.on.tool, triggers.on.outcome), 'tool', undefined);
    if (triggers.keywords) branches(MachineEventType.turn, 'keywords', MachineGuard.keywords);
    if (triggers.pattern) branches(MachineEventType.turn, 'pattern', MachineGuard.pattern);
    if (triggers.dtmf !== undefined) branches(MachineEventType.dtmf, 'dtmf', MachineGuard.dtmf);
    if (triggers.afterMs !== undefined) branches(afterEventType(transition.id), 'after', undefined);
    if (triggers.silenceMs !== undefined) branches(silenceEventType(transition.id), 'silence', undefined);
    if (transition.conditionOnly) branches(MachineEventType.check, transition.when ? 'when' : 'always', undefined);
  };

  const stateOf = (name: string): StateConfig => {
    const node = model.stages.get(name)!;
    const stage = stages.get(name)!;
    const on: OnMap = {};
    if (stage.leaf && !isConversationKind(stage.kind)) {
      // `end` / `transfer`: nothing leaves them but the end of the call.
      on[MachineEventType.anyFlow] = [{}];
    } else {
      for (const transitionNode of model.transitionsOf(name)) addTransition(on, transitions.get(transitionIds.get(transitionNode)!)!, name);
      // Declared where the flow declares it: XState's deepest-first selection is
      // exactly "the stage's own onLimit, else its groups', else the flow's".
      const onLimit = node.stage.limits?.onLimit;
      if (onLimit !== undefined) push(on, MachineEventType.limit, limitTransition(onLimit, stage.leaf));
    }
    const config: StateConfig = { id: name, entry: [{ type: MachineAction.stageEntered, params: { stage: name } }] };
    if (Object.keys(on).length > 0) config.on = on;
    if (node.kind === 'group' && node.children.length > 0) {
      config.initial = node.stage.initial ?? node.children[0]!;
      config.states = Object.fromEntries(node.children.map((child) => [child, stateOf(child)]));
    }
    return config;
  };

  const topLevel = [...model.stages.values()].filter((node) => node.parent === null).map((node) => node.name);
  const runningOn: OnMap = {};
  for (const node of model.globalTransitions) addTransition(runningOn, transitions.get(transitionIds.get(node)!)!, null);
  const flowOnLimit = model.flow.limits?.onLimit;
  if (flowOnLimit !== undefined) push(runningOn, MachineEventType.limit, limitTransition(flowOnLimit, false));
  const onError: OnMap = parts.onError
    ? { [MachineEventType.failed]: [{ target: `#${parts.onError}`, actions: [{ type: MachineAction.fired, params: { trigger: 'error' } satisfies FiredParams }] }] }
    : {};
  const runningStates: Record<string, StateConfig> = Object.fromEntries(topLevel.map((name) => [name, stateOf(name)]));
  if ([...transitions.values()].some((transition) => transition.toPrevious)) {
    runningStates[RETURN_HUB] = {
      id: RETURN_HUB,
      always: previousCandidates.map((stage) => ({
        target: `#${stage}`,
        guard: { type: MachineGuard.previousIs, params: { stage } satisfies PreviousParams },
        actions: [{ type: MachineAction.forgetPrevious }],
      })),
    };
  }
  let initialTop = parts.initialStage;
  while (model.stages.get(initialTop)?.parent) initialTop = model.stages.get(initialTop)!.parent!;

  return {
    id: machineId(parts.flowId),
    initial: 'starting',
    context: machineContextFromInput,
    on: { [MachineEventType.assign]: [{ actions: [{ type: MachineAction.assignValues }] }] },
    states: {
      starting: {
        on: {
          [MachineEventType.started]: [{ target: `#${parts.initialStage}` }],
          ...onError,
          [MachineEventType.end]: [{ target: 'ending' }],
        },
      },
      running: {
        initial: initialTop,
        on: { ...runningOn, ...onError, [MachineEventType.end]: [{ target: 'ending' }] },
        states: runningStates,
      },
      ending: { on: { [MachineEventType.finished]: [{ target: 'ended' }] } },
      ended: { type: 'final' },
    },
  };
}

/** Creates the machine from its config, implementations unbound. */
export function createFlowMachine(config: Record<string, unknown>): AnyStateMachine {
  return createMachine(config as Parameters<typeof createMachine>[0]);
}
