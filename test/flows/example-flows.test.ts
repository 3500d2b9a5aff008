/**
 * The example flows in flows/, each driven through a whole call — its main
 * path and alternatives — with the real interpreter and the REAL connectors
 * (calendar, CRM and SMS on an in-memory store with the example data, Twilio
 * faked at its REST API). The test plays the model and the caller; the
 * bookings, contacts, notes and texts the flows make are checked where the
 * connectors keep them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Effect } from '../../engine/interpreter/call-types.js';
import { createFlowDriver, type FlowDriver, type FlowDriverOptions, stagesEntered } from '../support/flow-driver.js';

let driver: FlowDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

async function drive(options: FlowDriverOptions): Promise<FlowDriver> {
  driver = await createFlowDriver(options);
  return driver;
}

/** Runs a connector operation directly, to check what a flow left behind. */
async function lookUp<T = Record<string, unknown>>(d: FlowDriver, use: string, input: Record<string, unknown>): Promise<T> {
  const outcome = await d.host.invoke(use, input);
  if (!outcome.ok) throw new Error(`${use} failed: ${outcome.error.code} ${outcome.error.message}`);
  return outcome.result as T;
}

function only<T extends Effect['type']>(effects: readonly Effect[], type: T): Extract<Effect, { type: T }> {
  const found = effects.filter((effect): effect is Extract<Effect, { type: T }> => effect.type === type);
  if (found.length !== 1) throw new Error(`expected one ${type} effect, got ${found.length}: ${JSON.stringify(effects, null, 1)}`);
  return found[0]!;
}

function ended(effects: readonly Effect[]) {
  return only(effects, 'ended');
}

/** The `start` of the first slot the last run of `tool` returned. */
function firstSlot(d: FlowDriver, tool: string): { start: string; label: string } {
  const run = d.lastRun(tool);
  if (!run.result.ok) throw new Error(`${tool} failed: ${JSON.stringify(run.result.error)}`);
  const slots = (run.result.result as { slots: Array<{ start: string; label: string }> }).slots;
  expect(slots.length).toBeGreaterThan(0);
  return slots[0]!;
}

// Tuesday, January 6, 2026, 9:00 AM in Austin.
const DENTAL_NOW = '2026-01-06T15:00:00Z';
const MARIA = '+15125550142';

describe('dental-outreach.yaml', () => {
  const options = (to: string): FlowDriverOptions => ({
    flow: 'dental-outreach.yaml',
    call: { from: '+15125550199', to, direction: 'outbound' },
    now: DENTAL_NOW,
    seeds: { calendar: ['dental'], crm: ['dental'] },
  });

  it('knows the household before the first word, answers a cost doubt, books both children side by side and texts the confirmation', async () => {
    const d = await drive(options(MARIA));
    const started = await d.start();
    // onStart: the CRM record of the number we dialled, then the office's date.
    expect(d.runs.map((run) => [run.effect.tool, run.effect.args])).toEqual([
      ['lookup_household', { phone: MARIA }],
      ['office_hours', { calendar: 'jefferson-dental' }],
    ]);
    expect(stagesEntered(started)).toEqual(['greeting']);
    const greeting = only(started, 'session.update');
    expect(greeting.instructions).toContain('Tony and Paula were recently assigned');
    expect(greeting.instructions).toContain('Ask whether you are speaking with Maria Garcia.');
    expect(greeting.instructions).toContain('Today is Tuesday, January 6 (2026-01-06)');
    // The Medicaid ids and the address stay out of the prompt.
    expect(greeting.instructions).not.toMatch(/MCD-|123 Main St/);
    expect(started.map((e) => e.type)).toContain('respond');

    // A doubt about cost interrupts the greeting; `$previous` comes back to it.
    expect(stagesEntered(await d.model('raise_concern', { concern: 'cost' }))).toEqual(['reassure']);
    expect(d.interpreter.instructions).toContain('no copay, no deposit, nothing to pay');
    expect(stagesEntered(await d.model('concern_resolved'))).toEqual(['greeting']);

    expect(stagesEntered(await d.model('parent_confirmed', { parentName: 'Maria' }))).toEqual(['gather']);
    expect(d.interpreter.instructions).toContain('On file: Tony, age 8. Paula, age 6.');
    const toScheduling = await d.model('children_confirmed', {
      children: [
        { name: 'Tony', age: 8 },
        { name: 'Paula', age: 6 },
      ],
      arrangement: 'together',
    });
    expect(stagesEntered(toScheduling)).toEqual(['find_time']);
    expect(d.interpreter.instructions).toContain('for Tony and Paula. They will be seen at the same time, side by side.');

    // The model asks for Wednesday morning; seats and arrangement come from the context.
    expect(stagesEntered(await d.model('find_times', { date: '2026-01-07', partOfDay: 'morning' }))).toEqual(['offer']);
    expect(d.lastRun('find_times').effect.args).toEqual({
      date: '2026-01-07',
      partOfDay: 'morning',
      calendar: 'jefferson-dental',
      service: 'exam-cleaning',
      seats: 2,
      arrangement: 'together',
      limit: 4,
    });
    const slot = firstSlot(d, 'find_times');
    expect(slot.label).toBe('Wednesday, January 7 at 8:00 AM');
    expect(d.interpreter.instructions).toContain('Wednesday, January 7 at 8:00 AM;');

    // Booking → the action stage texts the confirmation → wrap-up.
    const booked = await d.model('book_visit', { start: slot.start });
    expect(stagesEntered(booked)).toEqual(['confirm_sms', 'wrap_up']);
    const booking = d.context.booking as { bookingId: string };
    const stored = await lookUp<{ status: string; attendees: string[]; seats: number; arrangement: string; appointments: Array<{ resourceId: string }>; contact: { phone: string; name: string } }>(
      d,
      'calendar.getBooking',
      { bookingId: booking.bookingId },
    );
    expect(stored).toMatchObject({ status: 'confirmed', attendees: ['Tony', 'Paula'], seats: 2, arrangement: 'together', contact: { phone: MARIA, name: 'Maria' } });
    expect(new Set(stored.appointments.map((a) => a.resourceId)).size).toBe(2);
    // What the model got back is the exposed fields only: no contact.
    const bookOutput = booked.find((e) => e.type === 'tool.output')!;
    expect(Object.keys((bookOutput as { output: { result: object } }).output.result).sort()).toEqual(['appointments', 'attendees', 'bookingId', 'label', 'location']);

    expect(d.twilio.messages).toHaveLength(1);
    expect(d.twilio.messages[0]).toMatchObject({ to: MARIA });
    expect(d.twilio.messages[0]!.body).toBe(
      `Jefferson Dental: Tony and Paula are booked for Wednesday, January 7 at 8:00 AM at 1200 Main Street in Austin. Booking ${booking.bookingId}. Bring each child's Medicaid card. Questions? Call (512) 555-0199. Reply STOP to opt out.`,
    );
    expect(d.interpreter.instructions).toContain('Tell them a text with the details is on its way');

    const goodbye = await d.model('all_done');
    expect(stagesEntered(goodbye)).toEqual(['goodbye']);
    expect(goodbye.filter((e) => e.type === 'respond')).toEqual([{ type: 'respond', reason: 'stage', say: 'Thank you, Maria. We look forward to seeing you. Have a great day!' }]);
    expect(goodbye.at(-2)).toEqual({ type: 'hangup' });

    const end = await d.hangUp();
    expect(d.lastRun('log_call').result.ok).toBe(true);
    expect(ended(end)).toEqual({
      type: 'ended',
      outcome: {
        result: 'booked',
        booked: true,
        bookingId: booking.bookingId,
        childrenScheduled: ['Tony', 'Paula'],
        arrangement: 'together',
        objections: ['cost'],
        emergency: false,
        smsSent: true,
        doNotCall: false,
      },
    });
    const log = await lookUp<{ interactions: Array<{ outcome: string; summary: string; direction: string }> }>(d, 'crm.getInteractions', { phone: MARIA });
    expect(log.interactions[0]).toMatchObject({
      outcome: 'booked',
      direction: 'outbound',
      summary: `Medicaid outreach. Booked Tony and Paula for Wednesday, January 7 at 8:00 AM (${booking.bookingId}). Concerns: cost.`,
    });
  });

  it('a toothache interrupts scheduling: the keyword goes straight to triage, which books a same-day urgent visit for that child', async () => {
    const d = await drive(options(MARIA));
    await d.start();
    await d.model('parent_confirmed', { parentName: 'Maria' });
    await d.model('children_confirmed', { children: [{ name: 'Tony', age: 8 }], arrangement: 'consecutive' });
    expect(d.stage).toBe('find_time');

    // No model involved: the transcript matches a keyword.
    const triage = await d.say('Actually Paula has had a toothache since last night');
    expect(stagesEntered(triage)).toEqual(['emergency']);
    expect(only(triage, 'transition').trigger).toEqual({ kind: 'keywords', matched: 'toothache' });
    expect(d.context.emergency).toBe(true);

    await d.model('find_urgent_slot');
    expect(d.lastRun('find_urgent_slot').effect.args).toEqual({ calendar: 'jefferson-dental', service: 'emergency', seats: 1, limit: 3 });
    const slot = firstSlot(d, 'find_urgent_slot');
    expect(slot.label).toBe('Tuesday, January 6 at 11:00 AM');
    const booked = await d.model('book_urgent_visit', { start: slot.start, attendees: ['Paula'], notes: 'Toothache since last night' });
    expect(stagesEntered(booked)).toEqual(['confirm_sms', 'wrap_up']);
    const stored = await lookUp<{ service: { id: string }; attendees: string[]; notes: string }>(d, 'calendar.getBooking', { bookingId: (d.context.booking as { bookingId: string }).bookingId });
    expect(stored).toMatchObject({ service: { id: 'emergency' }, attendees: ['Paula'], notes: 'Toothache since last night' });
    expect(d.twilio.messages[0]!.body).toContain('Jefferson Dental: Paula is booked for Tuesday, January 6 at 11:00 AM');

    // Silence after the wrap-up ends the call.
    await d.send({ type: 'agent.turnEnded' });
    expect(stagesEntered(await d.elapse('/silence-'))).toEqual(['goodbye']);
    const outcome = ended(await d.hangUp()).outcome!;
    expect(outcome).toMatchObject({ result: 'booked', booked: true, emergency: true, childrenScheduled: ['Paula'], smsSent: true, objections: [] });
  });

  it('honours "stop calling me" at once (pattern, no model) and logs it', async () => {
    const d = await drive(options('+15125550143'));
    await d.start();
    const declined = await d.say('Please stop calling me.');
    expect(stagesEntered(declined)).toEqual(['decline']);
    expect(only(declined, 'transition').trigger).toMatchObject({ kind: 'pattern' });
    expect(declined.map((e) => e.type)).toEqual(['session.update', 'respond', 'hangup', 'transition']);
    expect(only(declined, 'session.update').instructions).toContain('confirm that you will note they do not want to be called again');
    const outcome = ended(await d.hangUp()).outcome!;
    expect(outcome).toMatchObject({ result: 'declined', booked: false, doNotCall: true });
    const log = await lookUp<{ interactions: Array<{ outcome: string; summary: string }> }>(d, 'crm.getInteractions', { phone: '+15125550143' });
    expect(log.interactions[0]).toMatchObject({ outcome: 'declined', summary: 'Medicaid outreach. No booking. Asked not to be called again.' });
  });

  it('pressing 0 transfers to the office', async () => {
    const d = await drive(options(MARIA));
    await d.start();
    await d.model('parent_confirmed', { parentName: 'Maria' });
    const transferred = await d.press('0');
    expect(stagesEntered(transferred)).toEqual(['human']);
    expect(only(transferred, 'transfer')).toEqual({ type: 'transfer', to: '+15125550199' });
    expect(ended(await d.hangUp('transferred')).outcome).toMatchObject({ result: 'transferred', booked: false });
  });

  it('an unknown number that stays silent gets one re-prompt, then a short message', async () => {
    const d = await drive(options('+15125550177'));
    const started = await d.start();
    expect(only(started, 'session.update').instructions).toContain('You do not have a name on file.');
    await d.send({ type: 'agent.turnEnded' });
    expect(await d.elapse('/reprompt')).toEqual([{ type: 'respond', reason: 'reprompt' }]);
    await d.send({ type: 'agent.turnEnded' });
    const message = await d.elapse('/reprompt');
    expect(stagesEntered(message)).toEqual(['leave_message']);
    expect(only(message, 'respond').say).toMatch(/^Hi, this is Sophia from Jefferson Dental/);
    // A number we did not know is logged as a new contact.
    expect(ended(await d.hangUp()).outcome).toMatchObject({ result: 'no_answer', booked: false });
    const contact = await lookUp<{ found: boolean }>(d, 'crm.lookupContact', { phone: '+15125550177' });
    expect(contact.found).toBe(true);
  });
});
