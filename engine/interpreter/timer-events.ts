/**
 * Timers the interpreter asked for, firing (`timer` events), and budgets
 * running out. A key that matches no armed timer is stale (its stage was left,
 * the caller spoke) and is ignored.
 */
import { isConversationKind } from '../flow/compile-stages.js';
import { type CallRuntime, currentStage, emit } from './call-runtime.js';
import { afterEventType, type LimitKind, MachineEventType, silenceEventType } from './machine-events.js';
import { fireFlowEvent, stopRouting } from './stage-entry.js';

export function handleTimer(rt: CallRuntime, key: string): void {
  const timer = rt.state.timers[key];
  if (!timer) return;
  delete rt.state.timers[key];
  switch (timer.kind) {
    case 'after':
      fireFlowEvent(rt, afterEventType(timer.transition!));
      return;
    case 'silence':
      fireFlowEvent(rt, silenceEventType(timer.transition!));
      return;
    case 'reprompt':
      reprompt(rt);
      return;
    case 'stage-duration':
      takeLimit(rt, 'duration');
      return;
    case 'call-duration':
      takeLimit(rt, 'call-duration');
      return;
  }
}

/** `limits.silence` ran out: re-prompt up to `reprompts` times, then `onLimit`. */
function reprompt(rt: CallRuntime): void {
  const stage = currentStage(rt);
  if (!stage || rt.state.status !== 'running' || rt.state.halted) return;
  if (rt.state.reprompts < stage.limits.reprompts) {
    rt.state.reprompts += 1;
    emit(rt, { type: 'respond', reason: 'reprompt' });
    return;
  }
  takeLimit(rt, 'silence');
}

/**
 * A budget ran out: take the stage's `onLimit` (its own, its groups', the
 * flow's). With none in force, the call ends — a budget always ends somewhere.
 * `end` and `transfer` stages are already on their way out.
 */
export function takeLimit(rt: CallRuntime, limit: LimitKind): void {
  const { state } = rt;
  if (state.halted || (state.status !== 'running' && state.status !== 'starting')) return;
  const stage = currentStage(rt);
  if (stage && !isConversationKind(stage.kind)) return;
  if (stage?.limits.onLimit !== undefined && fireFlowEvent(rt, MachineEventType.limit, { limit })) return;
  stopRouting(rt);
}
