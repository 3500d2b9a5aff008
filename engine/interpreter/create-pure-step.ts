/**
 * XState's pure `transition(machine, snapshot, event)` — same computation,
 * same result — with its inert actor scope built once per call instead of on
 * every step.
 *
 * Why: `transition()` builds a throw-away actor (which computes an initial
 * snapshot and an actor system) each time it is called: ~50–100 µs, twenty
 * times the step itself, and one stage change takes several steps (a trial
 * step, the step, assignments, the `when` check). The scope stays inert — no
 * deferred effects, no children, nothing emitted (a flow machine invokes and
 * spawns nothing) — so reusing it keeps every step a pure function of
 * (snapshot, event) that does not execute actions, only returns them.
 */
import { type AnyMachineSnapshot, type AnyStateMachine, createActor } from 'xstate';

/** An action a step returns (not executed): its type and params. */
export interface StepAction {
  type: string;
  params?: unknown;
}

export type PureStep = (snapshot: AnyMachineSnapshot, event: { type: string }) => [AnyMachineSnapshot, StepAction[]];

export function createPureStep(machine: AnyStateMachine): PureStep {
  const self = createActor(machine);
  let collected: StepAction[] = [];
  const scope = {
    self,
    defer: () => {},
    id: '',
    logger: () => {},
    sessionId: '',
    stopChild: () => {},
    system: self.system,
    emit: () => {},
    actionExecutor: (action: StepAction) => {
      collected.push(action);
    },
  };
  return (snapshot, event) => {
    collected = [];
    const next = machine.transition(snapshot, event as never, scope as never) as AnyMachineSnapshot;
    return [next, collected];
  };
}
