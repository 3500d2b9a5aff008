/**
 * The two doubles against each other through a minimal bridge: a whole call
 * played from one script, with a barge-in, checked from both ends.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { agent, caller, createConversationScript } from '../../engine/testing/conversation-script.js';
import { createFakeRealtimeServer, type FakeRealtimeServer } from '../../engine/testing/fake-realtime-server.js';
import { createTwilioCallSimulator } from '../../engine/testing/twilio-call-simulator.js';
import { startMiniBridge } from '../helpers/mini-bridge.js';

const GREETING = 'Hi, this is Sophia from Jefferson Dental. Am I speaking with the parent of Tommy?';
const OPTIONS = 'Thanks, Maria. We have openings on Tuesday morning, Wednesday afternoon, and Friday at noon.';
const SPEED = 5;

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

describe('fake realtime server + Twilio call simulator', () => {
  it.each([
    ['fast', 'the response has already finished: the bridge clears and truncates'],
    ['paced', 'the response is still running: the server cancels it too'],
  ] as const)('play a scripted call with a barge-in (model audio %s: %s)', async (mode, _why) => {
    const script = createConversationScript([
      agent.says(GREETING),
      caller.says('Yes, this is Maria.'),
      agent.calls('go_scheduling', { parentName: 'Maria' }),
      agent.says(OPTIONS),
      caller.says('Tuesday, please.', { interruptAfterMs: 1500 }),
      agent.says('Tuesday it is. See you then!'),
      caller.hangsUp(),
    ]);
    const realtime: FakeRealtimeServer = await createFakeRealtimeServer({ script, audioPacing: mode === 'fast' ? 'fast' : { speed: SPEED } });
    cleanups.push(() => realtime.close());
    const bridge = await startMiniBridge({
      realtimeUrl: realtime.urlFor('gpt-realtime'),
      agentSpeaksFirst: true,
      settings: {
        instructions: 'You are Sophia.',
        voice: 'marin',
        tools: [{ type: 'function', name: 'go_scheduling', description: 'The parent agrees to schedule.', parameters: { type: 'object', properties: { parentName: { type: 'string' } } } }],
        turnDetection: { type: 'server_vad', silenceMs: 500 },
        transcription: { model: 'gpt-4o-mini-transcribe' },
      },
    });
    cleanups.push(() => bridge.close());
    const call = createTwilioCallSimulator({ url: bridge.url, script, pacing: { mode: 'realtime', speed: SPEED } });
    cleanups.push(async () => call.disconnect());

    await call.start();
    await call.play();

    // The script ran to the end, in order, with nothing out of place.
    expect(script.describe().split('\n').map((line) => line.replace(/ ".*/, ''))).toEqual([
      '  0. [done] agent says',
      '  1. [heard] caller says',
      '  2. [done] agent calls go_scheduling',
      '  3. [done] agent says',
      '  4. [heard] caller interrupts',
      '  5. [done] agent says',
      '  6. [done] caller hangs up',
    ]);
    expect(realtime.issues).toEqual([]);

    // Barge-in: one clear, after about 1.5 s of the options line had played.
    const greetingMs = Math.ceil((GREETING.length * 60) / 20) * 20;
    expect(call.clears).toHaveLength(1);
    const playedOfOptions = call.clears[0]!.playedMs - greetingMs;
    expect(playedOfOptions).toBeGreaterThanOrEqual(1500);
    // Speech is detected 60 ms into it; the rest is transport between three sockets at ×5 call time.
    expect(playedOfOptions).toBeLessThan(1500 + 1000);
    expect(call.clears[0]!.discardedMs).toBeGreaterThan(0);

    // The bridge truncated the options item at what the echoed marks said was played.
    const truncated = realtime.clientEvents().map((e) => e.event).find((e) => e.type === 'conversation.item.truncate');
    expect(truncated?.type === 'conversation.item.truncate' && truncated.audio_end_ms).toBeGreaterThan(1300);
    const audioEndMs = truncated?.type === 'conversation.item.truncate' ? truncated.audio_end_ms : -1;
    expect(audioEndMs).toBeLessThanOrEqual(playedOfOptions);
    const item = realtime.sessions[0]!.conversation.items.find((i) => i.id === (truncated as { item_id: string }).item_id);
    expect(item?.content).toEqual([{ type: 'output_audio', transcript: OPTIONS.slice(0, Math.floor(audioEndMs / 60)) }]);

    // The options response was cancelled by the server only when it was still running.
    const done = realtime.serverEvents().filter((e) => e.event.type === 'response.done').map((e) => (e.event.response as { status: string }).status);
    expect(done).toEqual(mode === 'fast' ? ['completed', 'completed', 'completed', 'completed'] : ['completed', 'completed', 'cancelled', 'completed']);

    // The caller hung up: stop, then the bridge let the model go.
    expect((await call.closed).code).toBe(1000);
    await realtime.sessions[0]!.whenClosed;
    // Twilio's cadence held: one frame per 20 ms of call time.
    expect(Math.abs(call.framesSent - call.now / 20)).toBeLessThanOrEqual(2);
  });
});
