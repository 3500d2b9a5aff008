/**
 * The call's own life around its stages: `onStart` before the first word,
 * then the first stage; at the end, `onEnd` (no speaking), the outcome, and
 * `ended`.
 */
import { armTimer, cancelTimers, type CallRuntime, emit, step, varsOf } from './call-runtime.js';
import { computeOutcome } from './call-outcome.js';
import { MachineEventType } from './machine-events.js';
import { runActions } from './run-actions.js';
import { concludeEntry, enterStages } from './stage-entry.js';
import { timerKey } from './timer-keys.js';

/** `start()`: arm the call's budget, run `onStart`, then enter the first stage. */
export function startCall(rt: CallRuntime): void {
  rt.state.status = 'starting';
  const callMs = rt.compiled.model.limits(rt.compiled.initialStage).maxCallDurationMs;
  if (callMs !== undefined) armTimer(rt, { key: timerKey.callDuration(), kind: 'call-duration', ms: callMs });
  // The first transition record shows what `onStart` loaded.
  rt.state.recordedContext = varsOf(rt);
  rt.state.actions = { list: 'onStart', stages: [], stageIndex: 0, actionIndex: 0 };
  continueStart(rt);
}

/** Runs `onStart` on; once it is done (each action successful or not), enters the first stage. */
export function continueStart(rt: CallRuntime): void {
  const progress = rt.state.actions;
  if (!progress || progress.list !== 'onStart') return;
  // The call's budget ran out during `onStart`: the hang-up is out; nothing more starts.
  if (rt.state.halted) {
    rt.state.actions = null;
    return;
  }
  if (runActions(rt, progress) === 'waiting') return;
  rt.state.actions = null;
  const result = step(rt, MachineEventType.started);
  rt.state.status = 'running';
  enterStages(rt, result.entered, null, { kind: 'start' }, false);
}

/** `call.ended`: whatever was under way stops; `onEnd` runs; then the outcome and `ended`. */
export function endCall(rt: CallRuntime): void {
  const { state } = rt;
  if (state.status !== 'starting' && state.status !== 'running') return;
  cancelTimers(rt, () => true);
  concludeEntry(rt);
  // Nothing still pending can reach the caller or the model any more.
  state.batches = [];
  state.runs = {};
  step(rt, MachineEventType.end);
  state.status = 'ending';
  state.actions = { list: 'onEnd', stages: [], stageIndex: 0, actionIndex: 0 };
  continueEnd(rt);
}

/** Runs `onEnd` on; once it is done, computes the outcome and emits `ended`. */
export function continueEnd(rt: CallRuntime): void {
  const progress = rt.state.actions;
  if (!progress || progress.list !== 'onEnd') return;
  if (runActions(rt, progress) === 'waiting') return;
  rt.state.actions = null;
  const result = computeOutcome(rt.compiled, varsOf(rt), rt.clock.now());
  step(rt, MachineEventType.finished);
  rt.state.status = 'ended';
  rt.state.ended = result;
  emit(rt, { type: 'ended', ...result });
}
