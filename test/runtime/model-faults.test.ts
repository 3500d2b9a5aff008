/**
 * The model connection fails during a live call. When it drops, Parley
 * reconnects, re-applies the stage and replays the conversation within 2 s,
 * and the call goes on. When it cannot come back, the flow's `onError` route
 * runs: here a transfer, whose announcement is said by Twilio (`<Say>`) since
 * there is no model left to say it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { agent, caller, createConversationScript } from '../../engine/testing/conversation-script.js';
import { conformanceProblems } from '../helpers/expect-conformance.js';
import { CLINIC_NUMBER, startLiveHarness, type LiveHarness } from '../helpers/live-call-harness.js';

const FAULTY = { PARLEY_CONNECTORS: 'test/fixtures/connectors/faulty' };
const GREETING = 'Jefferson Dental front desk, how can I help?';

let harness: LiveHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

type SessionUpdate = { type: 'session.update'; session: { instructions: string; tools: Array<{ name: string }>; audio: { output: { voice?: string } } } };

describe('model connection faults', () => {
  it('the model socket drops mid-call: the stage is re-applied and the conversation replayed within 2 s, and the call goes on', async () => {
    const script = createConversationScript([
      agent.says(GREETING),
      caller.says('Hi, I want to book a visit.'),
      agent.calls('go_booking'),
      agent.says('Sure, which day suits you?'),
      caller.says('Tuesday.'),
      agent.calls('book_visit', { day: 'Tuesday' }),
      agent.says('Goodbye!'),
    ]);
    harness = await startLiveHarness({ realtime: { script }, flows: ['front-desk.yaml'], routes: { [CLINIC_NUMBER]: 'front-desk' }, env: FAULTY });
    const realtime = harness.realtime;
    const { callId, call, session } = await harness.inboundCall({ script, pacing: { mode: 'realtime', speed: 2 } });
    const playing = call.play();

    // The booking stage has been entered and has spoken (the model's response is done: Parley marked the end
    // of its audio on the phone side, the second turn end of the call): the network drops the model's socket.
    await script.whenStep(3, 'done');
    await call.waitFor((e) => e.kind === 'mark' && e.name.startsWith('t'), { nth: 2 });
    const first = realtime.sessions[0]!;
    const lastUpdate = realtime.clientEvents(first.id).filter((e) => e.event.type === 'session.update').at(-1)!.event as unknown as SessionUpdate;
    const droppedAt = performance.now();
    realtime.dropConnection(first.id);
    const second = await realtime.waitForSession(2);
    await realtime.waitFor((e) => e.sessionId === second.id && e.direction === 'server' && e.event.type === 'session.updated');
    const restoredMs = performance.now() - droppedAt;
    expect(restoredMs).toBeLessThan(2000);

    await playing;
    await session.done;

    // The new connection got the current stage first, voice included (a new session has not spoken yet) ...
    const secondEvents = realtime.clientEvents(second.id).map((e) => e.event).filter((e) => e.type !== 'input_audio_buffer.append');
    const restore = secondEvents[0] as unknown as SessionUpdate;
    expect(restore.type).toBe('session.update');
    expect(restore.session.instructions).toBe(lastUpdate.session.instructions);
    expect(restore.session.instructions).toContain('Ask which day suits them and book it.');
    expect(restore.session.tools.map((t) => t.name).sort()).toEqual(['book_visit', 'go_emergency', 'go_human']);
    expect(restore.session.audio.output.voice).toBe('marin');
    // ... then the conversation so far, as items, before any response was asked for.
    const firstResponse = secondEvents.findIndex((e) => e.type === 'response.create');
    const replayed = secondEvents.slice(1, firstResponse).map((e) => (e as unknown as { item: Record<string, unknown> }).item);
    expect(replayed.map((item) => [item.type, item.role ?? item.name ?? item.call_id !== undefined])).toEqual([
      ['message', 'assistant'],
      ['message', 'user'],
      ['function_call', 'go_booking'],
      ['function_call_output', true],
      ['message', 'assistant'],
    ]);
    const texts = second.conversation.items.filter((item) => item.type === 'message').map((item) => JSON.stringify(item.content));
    expect(texts[0]).toContain(GREETING);
    expect(texts[1]).toContain('Hi, I want to book a visit.');
    expect(texts[2]).toContain('Sure, which day suits you?');

    // The call went on, on the new connection: the caller's answer was heard and the booking made.
    const { call: record, events } = await harness.record(callId);
    expect(events.filter((e) => e.kind === 'transition').map((e) => (e.data as { to: string }).to)).toEqual(['greeting', 'booking', 'closing']);
    expect(events.filter((e) => e.kind === 'tool').map((e) => e.data)).toEqual([expect.objectContaining({ name: 'book_visit', status: 'ok', result: { day: 'Tuesday' } })]);
    expect(events.filter((e) => e.kind === 'model').map((e) => (e.data as { event: string }).event)).toEqual(['connected', 'reconnecting', 'reconnected']);
    expect(record).toMatchObject({ status: 'ended', endReason: 'agent-hangup' });
    expect(realtime.issues).toEqual([]);
    expect(conformanceProblems(realtime) ?? []).toEqual([]);
  }, 40_000);

  it('the model cannot come back: after the 2 s budget the flow takes onError — a transfer announced by Twilio', async () => {
    const script = createConversationScript([agent.says(GREETING)]);
    harness = await startLiveHarness({ realtime: { script }, flows: ['front-desk.yaml'], routes: { [CLINIC_NUMBER]: 'front-desk' }, env: FAULTY });
    const { callId, call, session } = await harness.inboundCall({ script });
    await call.play();
    const stoppedAt = performance.now();
    await harness.stopRealtime();
    await session.done;
    const elapsed = performance.now() - stoppedAt;
    // The reconnect budget (2 s) ran out before the flow moved on, and not much later.
    expect(elapsed).toBeGreaterThanOrEqual(2000);
    expect(elapsed).toBeLessThan(4000);

    const { call: record, events } = await harness.record(callId);
    expect(events.filter((e) => e.kind === 'model').map((e) => (e.data as { event: string }).event)).toEqual(['connected', 'reconnecting', 'failed']);
    expect(events.filter((e) => e.kind === 'transition').at(-1)?.data).toMatchObject({ from: 'greeting', to: 'human', trigger: { kind: 'error' } });
    expect(record).toMatchObject({ status: 'ended', endReason: 'transferred', transferTo: '+15125550199' });
    // No model to speak: Twilio says the announcement, then dials.
    const twilioCall = harness.twilioRest.calls.find((c) => c.sid === record.twilioSid);
    expect(twilioCall?.twiml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Let me connect you with our front desk.</Say><Dial><Number>+15125550199</Number></Dial></Response>',
    );
  }, 30_000);
});
