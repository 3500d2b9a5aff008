/**
 * 1,000 malformed or random messages on one call's media stream while another
 * call runs beside it: nothing crashes, nothing bad reaches the model, the
 * battered call goes on, and the other call never notices.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agent, caller, createConversationScript } from '../../engine/testing/conversation-script.js';
import type { MalformedKind, TwilioCallSimulator } from '../../engine/testing/twilio-call-simulator.js';
import { parseTwilioMessage } from '../../engine/telephony/twilio-media-messages.js';
import { conformanceProblems } from '../helpers/expect-conformance.js';
import { createFuzzer } from '../helpers/fuzz.js';
import { CLINIC_NUMBER, startLiveHarness, type LiveHarness } from '../helpers/live-call-harness.js';

const FAULTY = { PARLEY_CONNECTORS: 'test/fixtures/connectors/faulty' };
const KINDS: MalformedKind[] = ['not-json', 'binary', 'no-event', 'unknown-event', 'media-no-payload', 'media-bad-numbers', 'wrong-stream', 'huge'];
const SILENCE = Buffer.alloc(160, 0xff).toString('base64');

/**
 * Whether Parley must drop a message as invalid. Some random messages are
 * well-formed by the protocol and are not errors: events Parley does not use
 * (`unknown`, `connected`), a silence frame of this stream, an echo of a mark
 * nobody sent.
 */
function isInvalid(data: string | Buffer, streamSid: string): boolean {
  const message = parseTwilioMessage(data);
  switch (message.type) {
    case 'unknown':
    case 'connected':
      return false;
    case 'media':
      return message.streamSid !== streamSid || message.payload.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(message.payload) || message.payload.length > 10_672;
    case 'mark':
      return message.streamSid !== streamSid;
    default:
      // invalid, a second start (and a stop or dtmf, which the fuzzer never makes well-formed here)
      return true;
  }
}

/** Sends 100 of the simulator's own malformed messages and 900 seeded random ones; returns how many Parley must drop. */
function batter(call: TwilioCallSimulator): number {
  let invalid = 0;
  for (let i = 0; i < 100; i++) {
    call.sendMalformed(KINDS[i % KINDS.length]!);
    if (KINDS[i % KINDS.length] !== 'unknown-event') invalid++;
  }
  const streamSid = call.ids.streamSid;
  const fuzzer = createFuzzer(
    20261123,
    [
      { event: 'media', sequenceNumber: '7', streamSid, media: { track: 'inbound', chunk: '7', timestamp: '140', payload: SILENCE } },
      { event: 'mark', sequenceNumber: '8', streamSid, mark: { name: 'a1' } },
    ],
    // A well-formed `stop` or `dtmf` is not garbage: it would end the call or press a key, as it should.
    { key: 'event', values: ['media', 'mark', 'connected', 'start', 'clear', 'transcription'] },
  );
  for (let sent = 0; sent < 900; ) {
    const input = fuzzer.next();
    let wire: string | Buffer | undefined;
    if (typeof input === 'string') wire = input;
    else if (Buffer.isBuffer(input)) wire = input;
    else if (input instanceof Uint8Array) wire = Buffer.from(input);
    else if (input instanceof ArrayBuffer) wire = Buffer.from(input);
    else if (Array.isArray(input) && input.every((part) => part instanceof Uint8Array)) wire = Buffer.concat(input as Uint8Array[]);
    if (wire === undefined) continue; // not something a socket can carry
    call.sendRaw(wire);
    if (isInvalid(wire, streamSid)) invalid++;
    sent++;
  }
  return invalid;
}

describe('malformed Twilio frames', () => {
  let harness: LiveHarness;
  const scriptA = createConversationScript([
    agent.says('Jefferson Dental front desk, how can I help?'),
    caller.says('Hello, I have a question.'),
    agent.says('Of course, go ahead.'),
    caller.hangsUp(),
  ]);
  const scriptB = createConversationScript([
    agent.says('Jefferson Dental front desk, how can I help?'),
    caller.says('I would like to book a visit.'),
    agent.calls('go_booking'),
    agent.says('Which day suits you?'),
    caller.says('Thursday.'),
    agent.calls('book_visit', { day: 'Thursday' }),
    agent.says('Goodbye!'),
  ]);
  let a: Awaited<ReturnType<LiveHarness['inboundCall']>>;
  let b: Awaited<ReturnType<LiveHarness['inboundCall']>>;
  let invalid = 0;

  beforeAll(async () => {
    harness = await startLiveHarness({
      realtime: { script: ({ index }) => [scriptA, scriptB][index] },
      flows: ['front-desk.yaml'],
      routes: { [CLINIC_NUMBER]: 'front-desk' },
      env: FAULTY,
    });
    a = await harness.inboundCall({ script: scriptA });
    await harness.realtime.waitForSession(1);
    const playingA = a.call.play();
    b = await harness.inboundCall({ script: scriptB, from: '+15125550143' });
    const playingB = b.call.play();
    // A has been greeted; B is mid-call: 1,000 bad messages on A's stream, in one go.
    await scriptA.whenStep(0, 'done');
    invalid = batter(a.call);
    await Promise.all([playingA, playingB]);
    await Promise.all([a.session.done, b.session.done]);
  }, 60_000);
  afterAll(() => harness?.close());

  it('keeps the server up and both calls running to their end', async () => {
    expect((await harness.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect(scriptA.describe()).not.toMatch(/\[pending\]|\[started\]/);
    expect(scriptB.describe()).not.toMatch(/\[pending\]|\[started\]/);
    expect(harness.realtime.issues).toEqual([]);
    const recordA = await harness.record(a.callId);
    const recordB = await harness.record(b.callId);
    expect(recordA.call).toMatchObject({ status: 'ended', endReason: 'caller-hangup' });
    expect(recordB.call).toMatchObject({ status: 'ended', endReason: 'agent-hangup' });
    expect(recordB.events.filter((e) => e.kind === 'transition').map((e) => (e.data as { to: string }).to)).toEqual(['greeting', 'booking', 'closing']);
  });

  it('drops the bad messages with a coded record, reporting the first few and counting the rest', async () => {
    const { events } = await harness.record(a.callId);
    const dropped = events.filter((e) => e.kind === 'note' && (e.data as { code?: string }).code === 'TWILIO_MESSAGE_INVALID').map((e) => e.data as { text: string; count: number });
    expect(dropped).toHaveLength(6);
    expect(dropped.slice(0, 5).map((note) => note.count)).toEqual([1, 2, 3, 4, 5]);
    expect(dropped[5]!.text).toBe('Twilio messages were dropped as invalid during the call');
    expect(invalid).toBeGreaterThan(700);
    expect(dropped[5]!.count).toBe(invalid);
    // The other call saw none of it.
    const other = await harness.record(b.callId);
    expect(other.events.some((e) => e.kind === 'note' && (e.data as { code?: string }).code === 'TWILIO_MESSAGE_INVALID')).toBe(false);
  });

  it('never forwarded anything bad to the model', () => {
    const sessionA = harness.realtime.sessions.find((s) => s.conversation.items.some((item) => JSON.stringify(item.content ?? '').includes('I have a question')))!;
    expect(sessionA).toBeDefined();
    expect(harness.realtime.clientEvents(sessionA.id).filter((e) => e.event.type === 'invalid')).toEqual([]);
    expect(harness.realtime.serverEvents(sessionA.id).filter((e) => e.event.type === 'error')).toEqual([]);
    expect(conformanceProblems(harness.realtime) ?? []).toEqual([]);
  });
});
