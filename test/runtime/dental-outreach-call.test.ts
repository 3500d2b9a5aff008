/**
 * End to end: the dental-outreach flow as a whole outbound call through real
 * sockets — POST /api/calls → fake Twilio REST → the voice webhook → the
 * media stream from the Twilio call simulator → the engine → the fake
 * realtime server — greeting → scheduling → booking in the calendar →
 * confirmation by SMS through the fake Twilio REST → goodbye and hang-up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallEvent } from '../../engine/store/call-event.js';
import { agent, caller, createConversationScript, type ResponderContext } from '../../engine/testing/conversation-script.js';
import { conformanceProblems } from '../helpers/expect-conformance.js';
import { MARIA, readFlowFixture, startLiveHarness, type LiveHarness } from '../helpers/live-call-harness.js';

const GREETING = 'Hi, this is Sophia from Jefferson Dental. Tony and Paula are due for a free checkup. Would you like to schedule it?';

/** The last function output in the conversation, parsed. */
function lastToolResult(ctx: ResponderContext): { status: string; result?: { slots?: Array<{ start: string; label: string }> } } {
  const outputs = ctx.conversation.filter((item) => item.type === 'function_call_output');
  return JSON.parse(String(outputs.at(-1)?.output ?? '{}'));
}

const script = createConversationScript([
  agent.says(GREETING),
  caller.says('Yes, this is Maria, their mom. Sure.'),
  agent.calls('go_scheduling', { parentName: 'Maria' }),
  agent.says('Great, Maria. Do mornings or afternoons work better?'),
  caller.says('Mornings, please.'),
  agent.calls('check_availability', { partOfDay: 'morning' }),
  agent.responds((ctx) => {
    const slots = lastToolResult(ctx).result?.slots ?? [];
    return { say: `I have ${slots.map((slot) => slot.label).join(', or ')}. Which one works?` };
  }, 'agent offers the slots'),
  caller.says('The first one.'),
  agent.responds((ctx) => {
    const slots = lastToolResult(ctx).result?.slots ?? [];
    return { calls: [{ name: 'book_appointment', arguments: { start: slots[0]?.start ?? 'none' } }] };
  }, 'agent books the first slot'),
  agent.says('You are all set, and a text is on its way. Anything else?'),
  caller.says('No, that is all.'),
  agent.calls('go_closing'),
  agent.says('Thank you for your time. Goodbye!'),
]);

describe('a whole dental-outreach call', () => {
  let harness: LiveHarness;
  let callId: string;
  let events: CallEvent[];

  beforeAll(async () => {
    harness = await startLiveHarness({ realtime: { script }, flows: ['dental-outreach.yaml'] });
    const started = await harness.outboundCall({ flowId: 'dental-outreach', script, stepTimeoutMs: 15_000 });
    callId = started.callId;
    await started.call.play();
    await started.session.done;
    events = (await harness.record(callId)).events;
  }, 90_000);
  afterAll(() => harness?.close());

  it('runs the script to the end with nothing out of order', () => {
    expect(harness.realtime.issues).toEqual([]);
    expect(script.describe()).not.toMatch(/\[pending\]|\[started\]/);
  });

  it('goes greeting → scheduling → confirmation → closing, and ends the call', async () => {
    const transitions = events.filter((e) => e.kind === 'transition').map((e) => (e.data as { to: string }).to);
    expect(transitions).toEqual(['greeting', 'scheduling', 'confirmation', 'closing']);
    const { call } = await harness.record(callId);
    expect(call).toMatchObject({ status: 'ended', endReason: 'agent-hangup', outcome: { booked: true, parentName: 'Maria' } });
    expect(call.outcome?.bookingId).toMatch(/^BK-/);
    // Hung up through Twilio REST after the goodbye played.
    const twilioCall = harness.twilioRest.calls.find((c) => c.sid === call.twilioSid);
    expect(twilioCall?.updates).toContainEqual(expect.objectContaining({ Status: 'completed' }));
  });

  it('booked the visit in the calendar and texted the confirmation through Twilio', async () => {
    const bookings = await harness.engine.connectors.invoke('calendar.findBookings', { phone: MARIA, calendar: 'jefferson-dental' });
    expect(bookings.ok && bookings.result.count).toBe(1);
    const booking = bookings.ok ? (bookings.result.bookings as Array<{ label: string; attendees: string[] }>)[0]! : undefined;
    expect(booking?.attendees).toEqual(['Tony', 'Paula']);
    expect(harness.twilioRest.messages).toHaveLength(1);
    expect(harness.twilioRest.messages[0]).toMatchObject({ to: MARIA, body: expect.stringContaining(booking!.label) });
  });

  it('sends exactly one session.update per stage entry, acknowledged before the stage’s first response.create', async () => {
    const flow = await readFlowFixture('dental-outreach.yaml');
    const log = harness.realtime.events.filter((e) => e.sessionId === harness.realtime.sessions[0]!.id);
    const stages = events.filter((e) => e.kind === 'transition').map((e) => (e.data as { to: string }).to);
    const updates = log.filter((e) => e.direction === 'client' && e.event.type === 'session.update');
    expect(updates).toHaveLength(stages.length);
    expect(harness.realtime.sessions).toHaveLength(1);

    const intentsOf = (next: Array<{ to: string; intent?: string; name?: string }> = []) => next.filter((t) => t.intent).map((t) => t.name ?? `go_${t.to}`);
    const globalIntents = intentsOf(flow.global);
    stages.forEach((stage, index) => {
      const update = updates[index]!;
      const session = (update.event as { session: { instructions: string; tools: Array<{ name: string }> } }).session;
      const definition = flow.stages[stage]!;
      const conversational = definition.type !== 'end' && definition.type !== 'transfer';
      const expected = [...(definition.tools ?? []), ...intentsOf(definition.next), ...(conversational ? globalIntents : [])];
      expect({ stage, tools: session.tools.map((t) => t.name).sort() }).toEqual({ stage, tools: expected.sort() });
      // Acknowledged before the first response.create after it (there is one for every stage here: each speaks first).
      const after = log.filter((e) => e.seq > update.seq);
      const ack = after.findIndex((e) => e.direction === 'server' && e.event.type === 'session.updated');
      const create = after.findIndex((e) => e.direction === 'client' && e.event.type === 'response.create');
      expect({ stage, acknowledgedFirst: ack >= 0 && ack < create }).toEqual({ stage, acknowledgedFirst: true });
      // And no other session.update slipped in between.
      expect(after.slice(0, create).some((e) => e.direction === 'client' && e.event.type === 'session.update')).toBe(false);
    });

    // The rendered stage guidance is in the instructions.
    const instructions = updates.map((u) => (u.event as { session: { instructions: string } }).session.instructions);
    expect(instructions[0]).toContain('Greet Maria and explain that Tony and Paula are due for a dental checkup');
    expect(instructions[1]).toContain('Ask whether mornings or afternoons suit Maria');
    expect(instructions[2]).toMatch(/The visit is booked for \w+day, January \d+ at \d+:\d\d [AP]M at 1200 Main Street/);
    expect(instructions[0]).toContain('You are Sophia');
    // The model never heard a response with the previous stage's settings: create_response is off, Parley asks itself.
    for (const update of updates) {
      const turn = (update.event as { session: { audio: { input: { turn_detection: { create_response: boolean; interrupt_response: boolean } } } } }).session.audio.input.turn_detection;
      expect(turn).toMatchObject({ create_response: false, interrupt_response: false });
    }
  });

  it('records both sides of the conversation, every tool run and the outcome', () => {
    const said = events.filter((e) => e.kind === 'transcript').map((e) => e.data as { role: string; text: string });
    expect(said.filter((line) => line.role === 'caller').map((line) => line.text)).toEqual(['Yes, this is Maria, their mom. Sure.', 'Mornings, please.', 'The first one.', 'No, that is all.']);
    expect(said.filter((line) => line.role === 'agent')[0]?.text).toBe(GREETING);
    expect(said.filter((line) => line.role === 'agent').at(-1)?.text).toBe('Thank you for your time. Goodbye!');
    const tools = events.filter((e) => e.kind === 'tool').map((e) => e.data as { name: string; status: string; latencyMs: number; args: Record<string, unknown> });
    expect(tools.map((t) => [t.name, t.status])).toEqual([
      ['lookup_household', 'ok'],
      ['check_availability', 'ok'],
      ['book_appointment', 'ok'],
      ['send_confirmation', 'ok'],
      ['log_call', 'ok'],
    ]);
    expect(tools[2]!.args).toMatchObject({ calendar: 'jefferson-dental', phone: MARIA, seats: 2, attendees: ['Tony', 'Paula'], name: 'Maria' });
    expect(events.filter((e) => e.kind === 'outcome')).toHaveLength(1);
    expect(events.filter((e) => e.kind === 'violation')).toEqual([]);
  });

  it('persisted the interpreter snapshot at every transition (the last one: the closing stage)', async () => {
    const snapshot = await harness.engine.runtime.states.loadSnapshot(callId);
    expect(snapshot).toMatchObject({ flowId: 'dental-outreach', call: { id: callId }, interpreter: { stage: 'closing', visited: ['greeting', 'scheduling', 'confirmation', 'closing'] } });
  });

  it('sends only client events that conform to the official schema, and receives only conforming ones', (context) => {
    const problems = conformanceProblems(harness.realtime);
    if (problems === null) return context.skip('the official schema file is absent (see the warning above)');
    expect(problems).toEqual([]);
  });
});
