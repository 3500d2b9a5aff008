/**
 * End to end on the bundled flow, flows/dental-outreach.yaml, as `parley demo`
 * plays it: a whole outbound call through real sockets — greeting → gather →
 * scheduling (find a time, offer) → booked in the calendar → confirmation SMS
 * through the fake Twilio REST API (an action stage) → wrap-up → goodbye.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dentalOutreachDemoScript } from '../../engine/cli/demo-script.js';
import type { CallEvent } from '../../engine/store/call-event.js';
import type { Flow, Stage, Transition } from '../../engine/types/flow.generated.js';
import { conformanceProblems } from '../helpers/expect-conformance.js';
import { MARIA, startLiveHarness, type LiveHarness } from '../helpers/live-call-harness.js';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { fromRoot } from '../../engine/util/package-root.js';

/** A stage by name, with the groups it sits in (outermost first). */
function findStage(stages: Record<string, Stage>, name: string, groups: Stage[] = []): { stage: Stage; groups: Stage[] } | undefined {
  for (const [key, stage] of Object.entries(stages)) {
    if (key === name) return { stage, groups };
    if (stage.stages) {
      const found = findStage(stage.stages, name, [...groups, stage]);
      if (found) return found;
    }
  }
  return undefined;
}

const intentsOf = (next: Transition[] = []) => next.filter((t) => t.intent).map((t) => t.name ?? `go_${t.to}`);

describe('the bundled dental-outreach flow, end to end', () => {
  let harness: LiveHarness;
  let flow: Flow;
  let callId: string;
  let events: CallEvent[];
  const script = dentalOutreachDemoScript();

  beforeAll(async () => {
    flow = parse(await readFile(fromRoot('flows', 'dental-outreach.yaml'), 'utf8')) as Flow;
    harness = await startLiveHarness({ realtime: { script }, flowFiles: ['flows/dental-outreach.yaml'] });
    const started = await harness.outboundCall({ flowId: 'dental-outreach', script, stepTimeoutMs: 15_000 });
    callId = started.callId;
    await started.call.play();
    await started.session.done;
    events = (await harness.record(callId)).events;
  }, 90_000);
  afterAll(() => harness?.close());

  it('books the visit, texts the confirmation and says goodbye', async () => {
    expect(harness.realtime.issues).toEqual([]);
    expect(script.describe()).not.toMatch(/\[pending\]|\[started\]/);
    expect(events.filter((e) => e.kind === 'transition').map((e) => (e.data as { to: string }).to)).toEqual(['greeting', 'gather', 'find_time', 'offer', 'confirm_sms', 'wrap_up', 'goodbye']);
    const { call } = await harness.record(callId);
    expect(call).toMatchObject({ status: 'ended', endReason: 'agent-hangup', outcome: { result: 'booked', booked: true, smsSent: true, childrenScheduled: ['Tony', 'Paula'], arrangement: 'together', emergency: false } });
    const bookings = await harness.engine.connectors.invoke('calendar.findBookings', { phone: MARIA, calendar: 'jefferson-dental' });
    expect(bookings.ok && bookings.result.count).toBe(1);
    expect(harness.twilioRest.messages).toHaveLength(1);
    expect(harness.twilioRest.messages[0]).toMatchObject({ to: MARIA, body: expect.stringMatching(/^Jefferson Dental: Tony and Paula are booked for .+\. Booking BK-\w+\. Bring each child's Medicaid card\./) });
  });

  it('sends one session.update per stage entry (none for the action stage), acknowledged before the stage’s first response.create, with the stage’s guidance and tools', () => {
    const log = harness.realtime.events;
    const entered = events.filter((e) => e.kind === 'transition').map((e) => (e.data as { to: string }).to);
    const talking = entered.filter((name) => findStage(flow.stages, name)!.stage.type !== 'action');
    const updates = log.filter((e) => e.direction === 'client' && e.event.type === 'session.update');
    expect(updates).toHaveLength(talking.length);
    const globalIntents = intentsOf(flow.global);
    talking.forEach((name, index) => {
      const update = updates[index]!;
      const session = (update.event as unknown as { session: { instructions: string; tools: Array<{ name: string }> } }).session;
      const { stage, groups } = findStage(flow.stages, name)!;
      const conversational = stage.type !== 'end' && stage.type !== 'transfer';
      // The stage's tools and intents, its groups' (a group's apply inside it), and the global intents
      // (their `when` guards hold on this call: no emergency was reported).
      const expected = [...groups.flatMap((g) => g.tools ?? []), ...(stage.tools ?? []), ...intentsOf(stage.next), ...groups.flatMap((g) => intentsOf(g.next)), ...(conversational ? globalIntents : [])];
      expect({ name, tools: session.tools.map((t) => t.name).sort() }).toEqual({ name, tools: [...new Set(expected)].sort() });
      const after = log.filter((e) => e.seq > update.seq);
      const ack = after.findIndex((e) => e.direction === 'server' && e.event.type === 'session.updated');
      const create = after.findIndex((e) => e.direction === 'client' && e.event.type === 'response.create');
      expect({ name, acknowledgedFirst: ack >= 0 && ack < create }).toEqual({ name, acknowledgedFirst: true });
      expect(after.slice(0, create).some((e) => e.direction === 'client' && e.event.type === 'session.update')).toBe(false);
    });
    const instructions = updates.map((u) => (u.event as unknown as { session: { instructions: string } }).session.instructions);
    expect(instructions[0]).toContain('you are calling because Tony and Paula were recently assigned to Jefferson Dental');
    expect(instructions[0]).toContain('Ask whether you are speaking with Maria Garcia.');
    expect(instructions[2]).toContain('for Tony and Paula. They will be seen at the same time, side by side.');
    expect(instructions[3]).toMatch(/Offer two or three of these times, reading each one naturally: \w+day, January \d+ at \d+:\d\d AM;/);
    expect(instructions[4]).toMatch(/The visit is booked: Tony and Paula on .+ The booking number is BK-\w+/);
    expect(instructions[4]).toContain('Tell them a text with the details is on its way to this number.');
  });

  it('records both sides, every tool run, and conforms to the official schema', (context) => {
    const tools = events.filter((e) => e.kind === 'tool').map((e) => [(e.data as { name: string }).name, (e.data as { status: string }).status]);
    expect(tools).toEqual([
      ['lookup_household', 'ok'],
      ['office_hours', 'ok'],
      ['find_times', 'ok'],
      ['book_visit', 'ok'],
      ['send_confirmation', 'ok'],
      ['log_call', 'ok'],
    ]);
    const callerLines = events.filter((e) => e.kind === 'transcript' && (e.data as { role: string }).role === 'caller').map((e) => (e.data as { text: string }).text);
    expect(callerLines).toEqual(['Yes, this is Maria.', 'Yes, together please.', 'Mornings are best.', 'The first one, please.', 'No, that is all. Thank you!']);
    const problems = conformanceProblems(harness.realtime);
    if (problems === null) return context.skip('the official schema file is absent (see the warning above)');
    expect(problems).toEqual([]);
  });
});
