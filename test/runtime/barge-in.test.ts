/**
 * Barge-in: the caller speaks while the agent's greeting is playing. Parley
 * clears Twilio's buffer, truncates the greeting at what the caller heard
 * (from echoed marks, ±20 ms of what the simulator actually played), cancels
 * the response if it is still being generated (and drops its late audio), and
 * the call goes on: the caller's words are answered and the flow moves on.
 *
 * Real time (speed 1): the engine's playback estimate runs on the wall clock,
 * as Twilio's playback does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { agent, caller, createConversationScript } from '../../engine/testing/conversation-script.js';
import { conformanceProblems } from '../helpers/expect-conformance.js';
import { PlaybackBuffer } from '../../engine/testing/playback-buffer.js';
import type { TwilioCallSimulator } from '../../engine/testing/twilio-call-simulator.js';
import { startLiveHarness, type LiveHarness } from '../helpers/live-call-harness.js';

const GREETING = 'Hi, this is Sophia from Jefferson Dental, calling about free checkups for Tony and Paula this month.';

/**
 * Agent audio the simulator had played at call time `at`: its own playback
 * model (PlaybackBuffer) replayed over the audio it received before then.
 */
function playedAt(call: TwilioCallSimulator, at: number): number {
  const buffer = new PlaybackBuffer();
  for (const media of call.media) if (media.at <= at) buffer.enqueue(media.bytes, media.at);
  buffer.advanceTo(at);
  return buffer.playedMs;
}

let harness: LiveHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('barge-in', () => {
  it.each([
    ['fast', 'the greeting was already generated: clear and truncate, nothing to cancel'],
    ['paced', 'the greeting is still being generated: it is cancelled too, and its late audio dropped'],
  ] as const)('the caller talks over the greeting (model audio %s: %s)', async (mode, _why) => {
    const script = createConversationScript([
      agent.says(GREETING),
      caller.says('Yes, let us schedule.', { interruptAfterMs: 1500 }),
      agent.calls('go_scheduling', { parentName: 'Maria' }),
      agent.says('Great. Mornings or afternoons?'),
      caller.hangsUp(),
    ]);
    const logLines: Array<Record<string, unknown>> = [];
    harness = await startLiveHarness({ realtime: { script, audioPacing: mode === 'fast' ? 'fast' : { speed: 1 } }, flows: ['dental-outreach.yaml'], logLines });
    const { callId, call, session } = await harness.outboundCall({ flowId: 'dental-outreach', script, pacing: { mode: 'realtime', speed: 1 } });
    // Call time runs with the wall clock (speed 1): where call time 0 is on the epoch clock.
    const callStartEpoch = performance.timeOrigin + performance.now() - call.now;
    await call.play();
    await session.done;
    const realtime = harness.realtime;

    // Twilio's buffer was cleared once.
    expect(call.clears).toHaveLength(1);
    const clear = call.clears[0]!;
    expect(clear.discardedMs).toBeGreaterThan(0);

    // The greeting item was truncated at what the caller heard (it is the call's first audio, so the
    // simulator's played time is the greeting's), within ±20 ms. "Heard" is the simulator's playback at
    // the moment Parley decided — the time of its `call.barge-in` log line — so that a busy test machine
    // delaying the clear on its way to the simulator does not count against Parley.
    const clientEvents = realtime.clientEvents().map((e) => e.event);
    const truncates = clientEvents.filter((e) => e.type === 'conversation.item.truncate');
    expect(truncates).toHaveLength(1);
    const truncate = truncates[0] as { item_id: string; audio_end_ms: number };
    const greetingItem = realtime.sessions[0]!.conversation.items.find((item) => item.role === 'assistant');
    expect(truncate.item_id).toBe(greetingItem?.id);
    const bargeIn = logLines.find((line) => line.event === 'call.barge-in');
    expect(bargeIn).toBeDefined();
    const decidedAt = (bargeIn!.time as number) - callStartEpoch;
    expect(decidedAt).toBeLessThanOrEqual(clear.at + 2);
    expect(Math.abs(truncate.audio_end_ms - playedAt(call, decidedAt))).toBeLessThanOrEqual(20);
    // The clear reached the simulator right after (its own played time, for the record).
    expect(clear.playedMs).toBeGreaterThanOrEqual(truncate.audio_end_ms - 20);
    expect(truncate.audio_end_ms).toBeGreaterThanOrEqual(1500);

    const cancels = clientEvents.filter((e) => e.type === 'response.cancel');
    const done = realtime.serverEvents().filter((e) => e.event.type === 'response.done').map((e) => (e.event.response as { status: string }).status);
    if (mode === 'fast') {
      expect(cancels).toEqual([]);
      expect(done).toEqual(['completed', 'completed', 'completed']);
    } else {
      expect(cancels).toHaveLength(1);
      expect(done).toEqual(['cancelled', 'completed', 'completed']);
      // No audio of the cancelled greeting reached the caller after the clear: the next audio is the
      // answer, which cannot start before the interrupting line has ended.
      const clearSeq = call.events.find((e) => e.kind === 'clear')!.seq;
      const lineEnded = call.events.find((e) => e.kind === 'line-ended' && e.text === 'Yes, let us schedule.')!.seq;
      expect(call.events.filter((e) => e.kind === 'media' && e.seq > clearSeq && e.seq < lineEnded)).toEqual([]);
    }

    // The flow was not stuck: the interruption was answered and the call moved on to scheduling.
    expect(realtime.issues).toEqual([]);
    expect(script.describe()).not.toMatch(/\[pending\]|\[started\]/);
    const { call: record, events } = await harness.record(callId);
    expect(events.filter((e) => e.kind === 'transition').map((e) => (e.data as { to: string }).to)).toEqual(['greeting', 'scheduling']);
    expect(record).toMatchObject({ status: 'ended', endReason: 'caller-hangup' });
    // The record keeps what the caller heard of the greeting, not what the model generated.
    const agentLines = events.filter((e) => e.kind === 'transcript' && (e.data as { role: string }).role === 'agent').map((e) => (e.data as { text: string }).text);
    expect(agentLines[0]).toMatch(/…$/);
    expect(GREETING.startsWith(agentLines[0]!.slice(0, -1))).toBe(true);
    expect(agentLines[0]!.length).toBeLessThan(GREETING.length);
    expect(agentLines[1]).toBe('Great. Mornings or afternoons?');

    const problems = conformanceProblems(realtime);
    if (problems !== null) expect(problems).toEqual([]);
  }, 40_000);
});
