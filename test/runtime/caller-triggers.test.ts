/**
 * Triggers the caller fires without the model: a keyword in the caller's
 * words changes the stage before the model says a word in the old one, and a
 * key press transfers the call (announced, then `<Dial>` through Twilio REST).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { agent, caller, createConversationScript } from '../../engine/testing/conversation-script.js';
import { conformanceProblems } from '../helpers/expect-conformance.js';
import { CLINIC_NUMBER, readFlowFixture, startLiveHarness, type LiveHarness } from '../helpers/live-call-harness.js';

const FAULTY = { PARLEY_CONNECTORS: 'test/fixtures/connectors/faulty' };
const GREETING = 'Jefferson Dental front desk, how can I help?';

let harness: LiveHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('caller triggers', () => {
  it('a keyword moves the call to the emergency stage before the model answers the caller', async () => {
    const script = createConversationScript([
      agent.says(GREETING),
      caller.says('My son is bleeding from his gum.'),
      agent.says('I am sorry to hear that. What happened?'),
      caller.hangsUp(),
    ]);
    harness = await startLiveHarness({ realtime: { script }, flows: ['front-desk.yaml'], routes: { [CLINIC_NUMBER]: 'front-desk' }, env: FAULTY });
    const { callId, call, session } = await harness.inboundCall({ script });
    await call.play();
    await session.done;

    const { events } = await harness.record(callId);
    expect(events.filter((e) => e.kind === 'transition').at(-1)?.data).toMatchObject({ from: 'greeting', to: 'emergency', trigger: { kind: 'keywords', matched: 'bleeding' } });
    // After the caller's turn: the emergency stage's session.update, its acknowledgement, then the only response.
    const log = harness.realtime.events.filter((e) => e.event.type !== 'input_audio_buffer.append');
    const committed = log.findIndex((e) => e.event.type === 'input_audio_buffer.committed');
    const after = log.slice(committed).map((e) => `${e.direction} ${e.event.type}`);
    const update = after.indexOf('client session.update');
    expect(update).toBeGreaterThan(0);
    expect(after.indexOf('server session.updated', update)).toBeLessThan(after.indexOf('client response.create'));
    expect(after.filter((entry) => entry === 'client response.create')).toHaveLength(1);
    const emergency = log.find((e) => e.direction === 'client' && e.event.type === 'session.update' && e.seq > log[committed]!.seq)!.event as unknown as { session: { instructions: string } };
    expect(emergency.session.instructions).toContain('There may be a dental emergency.');
    expect(harness.realtime.issues).toEqual([]);
    expect(conformanceProblems(harness.realtime) ?? []).toEqual([]);
  }, 30_000);

  it('pressing 0 transfers the call: the announcement is said, then Twilio dials the front desk', async () => {
    const script = createConversationScript([
      agent.says(GREETING),
      caller.presses('0'),
      agent.says('Let me connect you with our front desk.'),
    ]);
    harness = await startLiveHarness({ realtime: { script }, flows: ['front-desk.yaml'], routes: { [CLINIC_NUMBER]: 'front-desk' }, env: FAULTY });
    const { callId, call, session } = await harness.inboundCall({ script });
    await call.play();
    await session.done;

    const { call: record, events } = await harness.record(callId);
    expect(events.filter((e) => e.kind === 'transition').at(-1)?.data).toMatchObject({ to: 'human', trigger: { kind: 'dtmf', digits: '0' } });
    expect(record).toMatchObject({ status: 'ended', endReason: 'transferred', transferTo: '+15125550199' });
    // The model said the announcement (so Twilio only dials), after it had played.
    const twilioCall = harness.twilioRest.calls.find((c) => c.sid === record.twilioSid);
    expect(twilioCall?.twiml).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Dial><Number>+15125550199</Number></Dial></Response>');
    expect(call.playback.queuedMs).toBe(0);
    const agentLines = events.filter((e) => e.kind === 'transcript' && (e.data as { role: string }).role === 'agent').map((e) => (e.data as { text: string }).text);
    expect(agentLines).toEqual([GREETING, 'Let me connect you with our front desk.']);
    expect(harness.realtime.issues).toEqual([]);
  }, 30_000);

  it("a number's greeting is the first stage's opening line", async () => {
    const script = createConversationScript([agent.says('Thanks for calling Jefferson Dental after hours.'), caller.hangsUp()]);
    harness = await startLiveHarness({ realtime: { script }, flows: ['front-desk.yaml'], env: FAULTY });
    await harness.engine.repositories.numbers.create({ number: CLINIC_NUMBER, flowId: 'front-desk', greeting: 'Thanks for calling Jefferson Dental after hours.' });
    const { call, session } = await harness.inboundCall({ script });
    await call.play();
    await session.done;
    const creates = harness.realtime.clientEvents().filter((e) => e.event.type === 'response.create').map((e) => e.event as unknown as { response?: { instructions?: string; tool_choice?: string } });
    expect(creates).toHaveLength(1);
    expect(creates[0]!.response).toMatchObject({ tool_choice: 'none', instructions: expect.stringMatching(/\nThanks for calling Jefferson Dental after hours\.$/) });
  }, 30_000);

  it('a silent caller is re-prompted once the greeting has played, then handed to a person', async () => {
    const script = createConversationScript([agent.says(GREETING), agent.says('Are you still there?'), agent.says('Let me connect you with our front desk.')]);
    harness = await startLiveHarness({ realtime: { script }, env: FAULTY });
    const flow = { ...(await readFlowFixture('front-desk.yaml')), id: 'front-desk-silence', limits: { silence: '1s', reprompts: 1, onLimit: 'human' } };
    await harness.engine.repositories.flows.create(flow);
    await harness.engine.repositories.flows.publish(flow.id);
    await harness.engine.repositories.numbers.create({ number: CLINIC_NUMBER, flowId: flow.id });
    const { callId, call, session } = await harness.inboundCall({ script });
    await call.play();
    await session.done;

    // The re-prompt is asked for only after the greeting has played (its mark echoed) and 1 s of silence.
    const creates = harness.realtime.clientEvents().filter((e) => e.event.type === 'response.create');
    expect(creates).toHaveLength(3);
    const greetingDone = harness.realtime.serverEvents().find((e) => e.event.type === 'response.done')!;
    expect(creates[1]!.at - greetingDone.at).toBeGreaterThanOrEqual(1000);
    expect((creates[1]!.event as unknown as { response: { instructions: string } }).response.instructions).toContain('The caller has said nothing for a while.');
    const { call: record, events } = await harness.record(callId);
    expect(events.filter((e) => e.kind === 'transition').at(-1)?.data).toMatchObject({ to: 'human', trigger: { kind: 'limit', limit: 'silence' } });
    expect(record).toMatchObject({ endReason: 'transferred' });
    expect(harness.realtime.issues).toEqual([]);
  }, 30_000);
});

