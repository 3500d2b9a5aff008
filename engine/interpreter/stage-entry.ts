/**
 * Entering a stage — the one procedure every stage change goes through
 * (DESIGN §3, STYLE §7), and the way out of a stage.
 *
 * 1. Entry actions: the `onEnter` of every stage entered (outermost group
 *    first; a group only when the call comes into it from outside, see
 *    `enteredFrom`), strictly in order; a `tool.run` waits for its `tool.result`, whose
 *    `assign` applies on success. A `<tool>.done|error` transition may fire and
 *    leave the stage right there — before step 2 — which is how `action` stages
 *    route. Then `when` and trigger-less transitions are checked once, now that
 *    the entry actions have set what they set.
 * 2. Render the instructions (agent instructions + guidance chain + context
 *    block) and the tools (stage tools + intents whose `when` holds).
 * 3. Exactly one `session.update` with them (not for `action` stages, which
 *    have no model turn). The runtime waits for `session.updated` before any
 *    later `respond`.
 * 4. The stage's history strategy travels on that `session.update`.
 * 5. Speak: a `talk` stage that speaks first gets one `respond` (with its `say`)
 *    — by default every one does, except the call's first `talk` stage when
 *    `agent.firstSpeaker` is `caller`;
 *    an `end` stage its goodbye (`say` or guidance) then `hangup`; a `transfer`
 *    stage its announcement, if any, then `transfer`. Then the stage's timers
 *    start (`after`, `maxDuration`).
 * 6. Record the transition (from, to, trigger, context diff, timestamp). A stage
 *    left during step 1 is recorded when it is left, before the next stage's
 *    effects.
 */
import type { TransitionTrigger } from './call-types.js';
import {
  armTimer,
  cancelTimers,
  type CallRuntime,
  currentStage,
  emit,
  isoNow,
  MAX_CHAINED_ENTRIES,
  previousOf,
  reportError,
  step,
  type StepResult,
  varsOf,
} from './call-runtime.js';
import { isConversationKind } from '../flow/compile-stages.js';
import type { CompiledStage } from '../flow/compiled-flow.js';
import type { ErrorCode } from '../errors/catalog.js';
import { diffValues } from './context-values.js';
import type { EntryInProgress } from './interpreter-state.js';
import { MachineEventType, type MachineEvent } from './machine-events.js';
import { offeredTools, renderInstructions, renderTemplate } from './render-stage.js';
import { runActions } from './run-actions.js';
import { timerKey } from './timer-keys.js';
import { INTENT_IGNORED } from './tool-output.js';

const CALL_ONLY = new Set(['call']);

/** Starts the entry procedure for the stages a transition entered (outermost first; the last is the leaf). */
export function enterStages(
  rt: CallRuntime,
  entered: readonly string[],
  from: string | null,
  trigger: TransitionTrigger,
  interrupted: boolean,
  pointer?: string,
): void {
  const leaf = entered[entered.length - 1] ?? rt.state.stage!;
  rt.chain += 1;
  if (rt.chain > MAX_CHAINED_ENTRIES) {
    halt(rt, 'CALL_TRANSITION_LOOP', `${MAX_CHAINED_ENTRIES} stages were entered without waiting for the caller, a tool or a timer (last: "${from}" → "${leaf}")`);
    return;
  }
  const state = rt.state;
  state.seq += 1;
  state.stage = leaf;
  state.interrupted = interrupted;
  state.turns = 0;
  state.dtmf = '';
  state.reprompts = 0;
  state.agentTurns = 0;
  state.visited.push(leaf);
  state.entry = {
    seq: state.seq,
    stage: leaf,
    from,
    trigger,
    ...(pointer !== undefined ? { pointer } : {}),
    progress: { list: 'onEnter', stages: entered.length > 0 ? [...entered] : [leaf], stageIndex: 0, actionIndex: 0 },
  };
  continueEntry(rt);
}

/** Runs the entry procedure on from where it stopped (after an `onEnter` tool's result). */
export function continueEntry(rt: CallRuntime): void {
  const entry = rt.state.entry;
  if (!entry) return;
  // 1. Entry actions.
  if (runActions(rt, entry.progress) === 'waiting') return;
  // 1. (end) `when` and trigger-less transitions, over the context the actions left.
  if (fireFlowEvent(rt, MachineEventType.check)) return;
  completeEntry(rt, entry);
}

function completeEntry(rt: CallRuntime, entry: EntryInProgress): void {
  const stage = rt.compiled.stages.get(entry.stage)!;
  if (stage.kind !== 'action') {
    const vars = varsOf(rt);
    // 2. Render.
    const instructions = renderInstructions(rt.compiled, stage, vars, rt.hooks);
    const tools = offeredTools(stage, vars, previousOf(rt), rt.writer, rt.clock.now());
    rt.state.session = { instructions, tools };
    // 3. + 4. One session.update, carrying the history strategy.
    emit(rt, {
      type: 'session.update',
      stage: stage.name,
      instructions,
      tools,
      voice: rt.compiled.agent.voice,
      model: rt.compiled.agent.model,
      history: stage.history,
    });
    // 5. Speak.
    speak(rt, stage);
  }
  armStageTimers(rt, stage, entry.seq);
  // 6. Record.
  rt.state.entry = null;
  recordTransition(rt, entry, varsOf(rt));
  if (stage.kind === 'action' && !canMoveOnItsOwn(stage)) {
    reportError(rt, 'CALL_ACTION_STAGE_STUCK', `action stage "${stage.name}" finished its actions and none of its transitions fired`);
    routeFailure(rt, `action stage "${stage.name}" is stuck`);
  }
}

/**
 * The context changed within a stage (a tool's `assign`): intents guarded by
 * `when` may have become available or gone. If the functions offered differ
 * from the last `session.update`'s, the stage is sent again — re-rendered, with
 * the conversation kept (its history strategy belongs to entering, not to
 * refreshing) — so the model is offered an intent exactly while its `when`
 * holds. Nothing is sent when the offer is unchanged.
 */
export function refreshOffer(rt: CallRuntime): void {
  const stage = currentStage(rt);
  const session = rt.state.session;
  if (!stage || stage.kind !== 'talk' || rt.state.entry !== null || !session) return;
  const vars = varsOf(rt);
  const tools = offeredTools(stage, vars, previousOf(rt), rt.writer, rt.clock.now());
  if (tools.length === session.tools.length && tools.every((tool, index) => tool.name === session.tools[index]!.name)) return;
  const instructions = renderInstructions(rt.compiled, stage, vars, rt.hooks);
  rt.state.session = { instructions, tools };
  emit(rt, { type: 'session.update', stage: stage.name, instructions, tools, voice: rt.compiled.agent.voice, model: rt.compiled.agent.model, history: 'keep' });
}

function speak(rt: CallRuntime, stage: CompiledStage): void {
  const vars = varsOf(rt);
  const say = renderTemplate(stage.say, vars, rt.hooks).trim();
  const respond = () => emit(rt, { type: 'respond', reason: 'stage', ...(say ? { say } : {}) });
  const hasWords = say !== '' || stage.guidance.length > 0;
  switch (stage.kind) {
    case 'end':
      if (hasWords) respond();
      emit(rt, { type: 'hangup' });
      return;
    case 'transfer': {
      if (hasWords) respond();
      const callerId = renderTemplate(stage.transfer?.callerId, vars, rt.hooks).trim();
      emit(rt, { type: 'transfer', to: renderTemplate(stage.transfer?.to, vars, rt.hooks).trim(), ...(callerId ? { callerId } : {}) });
      return;
    }
    default: {
      // The call's first conversation (after any action stages that routed to it) waits for the caller when they speak first.
      const firstTalk = !rt.state.talked;
      rt.state.talked = true;
      const speaksFirst = stage.speaksFirst ?? !(firstTalk && rt.compiled.agent.firstSpeaker === 'caller');
      if (speaksFirst) respond();
    }
  }
}

function armStageTimers(rt: CallRuntime, stage: CompiledStage, seq: number): void {
  if (!isConversationKind(stage.kind)) return;
  for (const { transition, ms } of stage.afterTimers) armTimer(rt, { key: timerKey.after(seq, transition), kind: 'after', ms, transition });
  if (stage.limits.maxDurationMs !== undefined) {
    armTimer(rt, { key: timerKey.stageDuration(seq), kind: 'stage-duration', ms: stage.limits.maxDurationMs });
  }
}

/** Whether something other than a model turn can still move an action stage on. */
function canMoveOnItsOwn(stage: CompiledStage): boolean {
  return (
    stage.afterTimers.length > 0 ||
    stage.limits.maxDurationMs !== undefined ||
    stage.reachable.some((t) => t.triggers.dtmf !== undefined || t.triggers.keywords !== undefined || t.triggers.pattern !== undefined)
  );
}

/** Step 6. The diff runs from the previous record, so changes made while in a stage land in the next record. */
function recordTransition(rt: CallRuntime, entry: EntryInProgress, contextAfter: Record<string, unknown>): void {
  emit(rt, {
    type: 'transition',
    from: entry.from,
    to: entry.stage,
    trigger: entry.trigger,
    contextDiff: diffValues(rt.state.recordedContext, contextAfter, CALL_ONLY),
    at: isoNow(rt),
    ...(entry.pointer !== undefined ? { pointer: entry.pointer } : {}),
  });
  rt.state.recordedContext = contextAfter;
}

/**
 * Leaving the current stage (`contextBefore`: the context before the step that
 * leaves it): an entry still in progress is recorded (step 6 of
 * the stage being left), its timers are cancelled, and model calls still
 * pending become orphans — their results still apply, they just no longer
 * move the conversation (a barge-in must never leave the flow stuck).
 */
function leaveStage(rt: CallRuntime, contextBefore: Record<string, unknown>): void {
  concludeEntry(rt, contextBefore);
  cancelTimers(rt, (timer) => timer.kind !== 'call-duration');
  for (const batch of rt.state.batches) {
    if (batch.orphaned) continue;
    batch.orphaned = true;
    for (const call of batch.calls) {
      if (call.kind !== 'intent') continue;
      call.kind = 'refused';
      emit(rt, { type: 'tool.output', callId: call.callId, output: INTENT_IGNORED });
    }
  }
}

/** Records an entry that stops before its procedure finished (the stage is left, or the call ended). */
export function concludeEntry(rt: CallRuntime, contextAfter: Record<string, unknown> = varsOf(rt)): void {
  const entry = rt.state.entry;
  if (!entry) return;
  rt.state.entry = null;
  recordTransition(rt, entry, contextAfter);
}

/** Raises a flow event; when a transition fires, leaves the stage and enters the next. Returns whether one fired. */
export function fireFlowEvent(rt: CallRuntime, type: string, fields: Omit<MachineEvent, 'type' | 'now' | 'origin'> = {}): boolean {
  if (rt.state.status !== 'running' || rt.state.halted) return false;
  const contextBefore = varsOf(rt);
  const result = step(rt, type, fields);
  if (!result.fired) return false;
  takeTransition(rt, result, contextBefore);
  return true;
}

/** A step fired a transition: leave the current stage, enter the new one. */
export function takeTransition(rt: CallRuntime, result: StepResult, contextBefore: Record<string, unknown>): void {
  const from = rt.state.stage;
  const transition = result.fired?.t ? rt.compiled.transitions.get(result.fired.t) : undefined;
  const trigger = describeTrigger(rt, result);
  leaveStage(rt, contextBefore);
  // A `$previous` return resumes the interrupted stage: it comes back from that stage, not from the detour.
  const origin = transition?.toPrevious ? (result.entered.at(-1) ?? from) : from;
  enterStages(rt, enteredFrom(rt, result.entered, origin), from, trigger, transition?.source === null && !transition.toPrevious, transition?.pointer);
}

/**
 * The stages a transition enters from the flow's point of view — the leaf,
 * and the groups around it that `origin` is not inside — out of those XState
 * entered. XState also re-enters groups the call never left when a transition
 * is declared outside them: global, `onLimit` and `onError` routes live on
 * `running`, and `$previous` goes through a hub beside the top-level stages.
 * Their `onEnter` must not run again for that.
 */
function enteredFrom(rt: CallRuntime, entered: readonly string[], origin: string | null): readonly string[] {
  if (origin === null || entered.length < 2) return entered;
  const around = new Set<string>();
  for (let group = rt.compiled.stages.get(origin)?.parent ?? null; group !== null; group = rt.compiled.stages.get(group)?.parent ?? null) around.add(group);
  return entered.filter((stage, index) => index === entered.length - 1 || !around.has(stage));
}

function describeTrigger(rt: CallRuntime, { fired, event }: StepResult): TransitionTrigger {
  const transition = fired?.t ? rt.compiled.transitions.get(fired.t) : undefined;
  switch (fired?.trigger) {
    case 'intent':
      return { kind: 'intent', name: transition?.intentName ?? '', args: event.args ?? {} };
    case 'tool':
      return { kind: 'tool', tool: transition?.triggers.on?.tool ?? '', outcome: transition?.triggers.on?.outcome ?? 'done' };
    case 'when':
      return { kind: 'when', expression: transition?.when?.expression.source ?? '' };
    case 'always':
      return { kind: 'always' };
    case 'keywords':
      return { kind: 'keywords', matched: rt.matches.get(fired.t!) ?? '' };
    case 'pattern':
      return { kind: 'pattern', matched: rt.matches.get(fired.t!) ?? '' };
    case 'dtmf':
      return { kind: 'dtmf', digits: transition?.triggers.dtmf ?? event.buffer ?? '' };
    case 'after':
      return { kind: 'after', ms: transition?.triggers.afterMs ?? 0 };
    case 'silence':
      return { kind: 'silence', ms: transition?.triggers.silenceMs ?? 0 };
    case 'limit':
      return { kind: 'limit', limit: event.limit ?? 'turns' };
    case 'error':
    default:
      return { kind: 'error', reason: event.reason ?? 'error' };
  }
}

/**
 * The call cannot go on in this stage (the model is gone, an action stage is
 * stuck): go to the flow's `onError` stage, or hang up. `end` and `transfer`
 * stages finish on their own (their `hangup` / `transfer` are already out).
 */
export function routeFailure(rt: CallRuntime, reason: string): void {
  const { state } = rt;
  if (state.halted || (state.status !== 'running' && state.status !== 'starting')) return;
  const stage = currentStage(rt);
  if (stage && !isConversationKind(stage.kind)) return;
  if (rt.compiled.onError !== undefined && state.stage !== rt.compiled.onError) {
    const contextBefore = varsOf(rt);
    const result = step(rt, MachineEventType.failed, { reason });
    if (result.fired) {
      // A failure during `onStart` abandons it; its pending runs still apply their results.
      state.actions = null;
      state.status = 'running';
      takeTransition(rt, result, contextBefore);
      return;
    }
  }
  stopRouting(rt);
}

/** Ends the call from the flow's side: a routing error is reported, then `hangup`. */
export function halt(rt: CallRuntime, code: ErrorCode, message: string): void {
  reportError(rt, code, message);
  stopRouting(rt);
}

/** No more stage changes: cancel the stage's timers and hang up (the runtime then sends `call.ended`). */
export function stopRouting(rt: CallRuntime): void {
  if (rt.state.halted) return;
  rt.state.halted = true;
  cancelTimers(rt, (timer) => timer.kind !== 'call-duration');
  emit(rt, { type: 'hangup' });
}
