/**
 * What the caller (and the agent's turn-taking) does in a stage: turns with
 * their transcript (`keywords`, `pattern`, `maxTurns`), speech starting
 * (silence timers stop), the agent's turn ending (silence timers start),
 * keypad digits (`dtmf`).
 */
import { isConversationKind } from '../flow/compile-stages.js';
import { armTimer, cancelTimers, type CallRuntime, currentStage } from './call-runtime.js';
import { MachineEventType } from './machine-events.js';
import { fireFlowEvent } from './stage-entry.js';
import { takeLimit } from './timer-events.js';
import { timerKey } from './timer-keys.js';

/** Keys kept per stage entry: enough for any `dtmf` trigger (at most 16). */
const DTMF_BUFFER = 32;

/** The stage the caller is in, when it is one the caller can act in. */
function conversationStage(rt: CallRuntime) {
  if (rt.state.status !== 'running' || rt.state.halted) return undefined;
  const stage = currentStage(rt);
  return stage && isConversationKind(stage.kind) ? stage : undefined;
}

export function handleCallerTurn(rt: CallRuntime, transcript: string | undefined): void {
  const stage = conversationStage(rt);
  if (!stage) return;
  rt.state.turns += 1;
  rt.state.reprompts = 0;
  // Stage, then its groups, then global: XState's own order.
  if (transcript && fireFlowEvent(rt, MachineEventType.turn, { transcript })) return;
  // The stage handles up to `maxTurns` caller turns; the next one takes `onLimit`.
  const { maxTurns } = stage.limits;
  if (maxTurns !== undefined && rt.state.turns > maxTurns) takeLimit(rt, 'turns');
}

export function handleSpeechStarted(rt: CallRuntime): void {
  cancelTimers(rt, (timer) => timer.kind === 'silence' || timer.kind === 'reprompt');
}

export function handleAgentTurnEnded(rt: CallRuntime): void {
  const stage = conversationStage(rt);
  // Action stages have no agent turns; an entry still running has not spoken yet.
  if (!stage || stage.kind !== 'talk' || rt.state.entry !== null) return;
  cancelTimers(rt, (timer) => timer.kind === 'silence' || timer.kind === 'reprompt');
  rt.state.agentTurns += 1;
  const { seq, agentTurns } = rt.state;
  for (const { transition, ms } of stage.silenceTimers) {
    armTimer(rt, { key: timerKey.silence(seq, agentTurns, transition), kind: 'silence', ms, transition });
  }
  if (stage.limits.silenceMs !== undefined) armTimer(rt, { key: timerKey.reprompt(seq, agentTurns), kind: 'reprompt', ms: stage.limits.silenceMs });
}

export function handleDtmf(rt: CallRuntime, digits: string): void {
  if (!conversationStage(rt)) return;
  rt.state.dtmf = (rt.state.dtmf + digits).slice(-DTMF_BUFFER);
  fireFlowEvent(rt, MachineEventType.dtmf, { buffer: rt.state.dtmf });
}
