/**
 * The example flows in flows/, each driven through a whole call — its main
 * path and alternatives — with the real interpreter and the REAL connectors
 * (calendar, CRM and SMS on an in-memory store with the example data, Twilio
 * faked at its REST API). The test plays the model and the caller; the
 * bookings, contacts, notes and texts the flows make are checked where the
 * connectors keep them.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createConnectorHost } from '../../engine/connectors/connector-host.js';
import { isFlowFileName } from '../../engine/flow/flow-file-names.js';
import { lintFlow } from '../../engine/flow/lint-flow.js';
import { loadFlowFile } from '../../engine/flow/load-flow-file.js';
import type { Effect } from '../../engine/interpreter/call-types.js';
import { fromRoot } from '../../engine/util/package-root.js';
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

interface Slot {
  start: string;
  label: string;
  appointments: Array<{ resourceId: string; resource: string; time: string }>;
}

/** The first slot the last run of `tool` returned. */
function firstSlot(d: FlowDriver, tool: string): Slot {
  const run = d.lastRun(tool);
  if (!run.result.ok) throw new Error(`${tool} failed: ${JSON.stringify(run.result.error)}`);
  const slots = (run.result.result as { slots: Slot[] }).slots;
  expect(slots.length).toBeGreaterThan(0);
  return slots[0]!;
}

describe('the example flows, linted', () => {
  const files = readdirSync(fromRoot('flows')).filter((file) => isFlowFileName(file)).sort();

  it('are the five flows this file drives', () => {
    expect(files).toEqual(['auto-service.yaml', 'clinic-intake.yaml', 'dental-outreach.yaml', 'home-services.yaml', 'smb-receptionist.yaml']);
  });

  // What `parley validate flows` checks, with the built-in connectors' catalog:
  // not an error, and not a warning either.
  it.each(files)('%s has no finding at all', async (file) => {
    const host = await createConnectorHost({ env: {} });
    const { findings } = lintFlow(await loadFlowFile(path.join(fromRoot('flows'), file)), { catalog: host.catalog() });
    expect(findings.map((f) => `${f.severity} ${f.code} ${f.pointer}: ${f.message}`)).toEqual([]);
  });
});

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
    // Repeating it during triage does not start triage over.
    expect(stagesEntered(await d.say('The toothache is really bad, she was up all night'))).toEqual([]);
    expect(d.stage).toBe('emergency');
    // No detour to the doubts stage from here: `$previous` would skip the emergency on the way back.
    expect(d.interpreter.tools.map((tool) => tool.name)).toEqual(['find_urgent_slot', 'book_urgent_visit', 'sent_to_emergency_room', 'urgent_needs_staff', 'not_urgent', 'not_interested', 'talk_to_person']);

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

// Tuesday, January 6, 2026, 10:00 AM in Toronto.
const HVAC_NOW = '2026-01-06T15:00:00Z';
const JOHN = '+14165550123';
const PRIYA = '+16475550188';

describe('home-services.yaml', () => {
  const options = (from: string, now = HVAC_NOW): FlowDriverOptions => ({
    flow: 'home-services.yaml',
    call: { from, to: '+14165550190', direction: 'inbound' },
    now,
    seeds: { calendar: ['hvac'], crm: ['hvac'] },
  });
  const toolNames = (effects: readonly Effect[]) => only(effects, 'session.update').tools.map((tool) => tool.name);

  it('a known customer: catalogue and price, technician availability, booking with the address on file, SMS confirmation', async () => {
    const d = await drive(options(JOHN));
    const started = await d.start();
    expect(only(started, 'session.update').instructions).toContain('Greet John by name');

    await d.model('wants_service', { issue: 'The furnace makes a loud bang when it starts' });
    expect(d.stage).toBe('choose_service');
    // The catalogue was loaded on entering the stage and is in its guidance.
    expect(d.interpreter.instructions).toContain('HVAC repair (id hvac-repair): 200 dollars, about 120 minutes. Diagnose and fix heating or cooling problems (parts extra).');
    expect(d.interpreter.instructions).toContain('What they told you so far: The furnace makes a loud bang when it starts.');

    const toPick = await d.model('service_chosen', { serviceId: 'hvac-repair', issue: 'Furnace bangs loudly when it starts' });
    expect(stagesEntered(toPick)).toEqual(['pick_time']);
    // No times yet, so no way to pick one.
    expect(toolNames(toPick)).not.toContain('time_chosen');

    const found = await d.model('find_times', { date: '2026-01-07', partOfDay: 'morning' });
    expect(d.lastRun('find_times').effect.args).toEqual({ date: '2026-01-07', partOfDay: 'morning', calendar: 'northwind-home', service: 'hvac-repair', seats: 1, limit: 4 });
    // Now there are: the stage is sent again with the intent offered.
    expect(toolNames(found)).toContain('time_chosen');
    const slot = firstSlot(d, 'find_times');
    expect(slot.label).toBe('Wednesday, January 7 at 7:00 AM');
    const technician = slot.appointments[0]!;

    expect(stagesEntered(await d.model('time_chosen', { chosenStart: slot.start, chosenTechnician: technician.resourceId }))).toEqual(['details']);
    expect(d.interpreter.instructions).toContain('This is John Smith. Ask whether the visit is at the address we have on file. Do not read the address out.');
    expect(d.interpreter.instructions).not.toContain('123 Main St');

    const booked = await d.model('address_on_file', { accessNotes: 'Side door code 4411, dog in the yard' });
    expect(stagesEntered(booked)).toEqual(['book_visit', 'booked']);
    const booking = d.context.booking as { bookingId: string };
    const stored = await lookUp<Record<string, unknown>>(d, 'calendar.getBooking', { bookingId: booking.bookingId, phone: JOHN });
    expect(stored).toMatchObject({
      status: 'confirmed',
      service: { id: 'hvac-repair', name: 'HVAC repair' },
      label: 'Wednesday, January 7 at 7:00 AM',
      appointments: [{ resourceId: technician.resourceId }],
      notes: 'Furnace bangs loudly when it starts. Access: Side door code 4411, dog in the yard',
      contact: { phone: JOHN, name: 'John Smith' },
    });
    expect(d.twilio.messages.map((m) => [m.to, m.body])).toEqual([
      [JOHN, `Northwind Home Services: your HVAC repair is booked for Wednesday, January 7 at 7:00 AM with ${technician.resource}. Booking ${booking.bookingId}. Reply STOP to opt out.`],
    ]);
    expect(d.interpreter.instructions).toContain('Say a text with the details is on its way.');

    expect(only(await d.model('all_set'), 'respond').say).toBe('Thanks for calling Northwind Home Services. Have a good day!');
    expect(ended(await d.hangUp()).outcome).toEqual({
      result: 'booked',
      emergency: false,
      serviceId: 'hvac-repair',
      bookingId: booking.bookingId,
      visit: 'Wednesday, January 7 at 7:00 AM',
      newCustomer: false,
    });
    const log = await lookUp<{ interactions: Array<{ outcome: string; summary: string }> }>(d, 'crm.getInteractions', { phone: JOHN });
    expect(log.interactions[0]).toMatchObject({ outcome: 'booked', summary: `Booked HVAC repair for Wednesday, January 7 at 7:00 AM (${booking.bookingId}).` });
  });

  it('a new customer whose time is taken meanwhile: back to picking a time, then the CRM record and the booking', async () => {
    const d = await drive(options('+14165550999'));
    await d.start();
    await d.model('wants_service', {});
    await d.model('service_chosen', { serviceId: 'plumbing-repair', issue: 'Kitchen sink drains slowly' });
    await d.model('find_times', { date: '2026-01-08', partOfDay: 'afternoon' });
    // A change of mind: the times found for the other service are not offered for this one.
    await d.model('change_service');
    expect(toolNames(await d.model('service_chosen', { serviceId: 'drain-cleaning', issue: 'Kitchen sink drains slowly' }))).not.toContain('time_chosen');
    await d.model('find_times', { date: '2026-01-08', partOfDay: 'afternoon' });
    expect(d.lastRun('find_times').effect.args).toMatchObject({ service: 'drain-cleaning' });
    const slot = firstSlot(d, 'find_times');
    const technician = slot.appointments[0]!.resourceId;
    await d.model('time_chosen', { chosenStart: slot.start, chosenTechnician: technician });
    expect(d.interpreter.instructions).toContain('Ask for their full name, then the street address');
    // Someone else books that technician at that time before we do.
    await lookUp(d, 'calendar.book', { calendar: 'northwind-home', service: 'drain-cleaning', start: slot.start, resource: technician, phone: '+14165550111' });

    const lost = await d.model('details_given', { customerName: 'Alex Chen', serviceAddress: '55 Elm Street, Toronto' });
    expect(stagesEntered(lost)).toEqual(['save_details', 'book_visit', 'pick_time']);
    expect(d.lastRun('book_service').result).toMatchObject({ ok: false, error: { code: 'CALENDAR_SLOT_UNAVAILABLE' } });
    expect(d.interpreter.instructions).toContain('The time they chose was just taken by someone else.');
    expect(toolNames(lost)).not.toContain('time_chosen');

    await d.model('find_times', { date: '2026-01-08', partOfDay: 'afternoon' });
    const next = firstSlot(d, 'find_times');
    expect(next.start === slot.start && next.appointments[0]!.resourceId === technician).toBe(false);
    await d.model('time_chosen', { chosenStart: next.start, chosenTechnician: next.appointments[0]!.resourceId });
    const booked = await d.model('details_given', { customerName: 'Alex Chen', serviceAddress: '55 Elm Street, Toronto', accessNotes: 'Buzz unit 4' });
    expect(stagesEntered(booked)).toEqual(['save_details', 'book_visit', 'booked']);

    const contact = await lookUp<{ found: boolean; name: string; address: string }>(d, 'crm.lookupContact', { phone: '+14165550999' });
    expect(contact).toMatchObject({ found: true, name: 'Alex Chen', address: '55 Elm Street, Toronto' });
    const stored = await lookUp<{ notes: string; contact: { name: string } }>(d, 'calendar.getBooking', { bookingId: (d.context.booking as { bookingId: string }).bookingId });
    expect(stored).toMatchObject({ notes: 'Kitchen sink drains slowly. Service address: 55 Elm Street, Toronto. Access: Buzz unit 4', contact: { name: 'Alex Chen' } });
    expect(ended(await d.hangUp('caller-hangup')).outcome).toMatchObject({ result: 'booked', serviceId: 'drain-cleaning', newCustomer: true });
  });

  it('finds the caller’s own visits by their number, refuses to touch someone else’s, moves one and texts the change', async () => {
    const d = await drive(options(PRIYA));
    const hers = await lookUp<{ bookingId: string }>(d, 'calendar.book', { calendar: 'northwind-home', service: 'plumbing-repair', start: '2026-01-08T09:00', phone: PRIYA, name: 'Priya Raman' });
    const his = await lookUp<{ bookingId: string }>(d, 'calendar.book', { calendar: 'northwind-home', service: 'hvac-maintenance', start: '2026-01-08T09:00', phone: JOHN, name: 'John Smith' });
    await d.start();

    expect(stagesEntered(await d.model('existing_visit'))).toEqual(['find_bookings', 'manage']);
    expect(d.interpreter.instructions).toContain(`Plumbing repair on Thursday, January 8 at 9:00 AM with`);
    expect(d.interpreter.instructions).toContain(`booking number ${hers.bookingId}, service id plumbing-repair.`);
    expect(d.interpreter.instructions).not.toContain(his.bookingId);

    // Told someone else's booking number, the model tries to cancel it: the owner check refuses.
    const refused = await d.model('cancel_visit', { bookingId: his.bookingId, reason: 'caller asked' });
    expect(d.lastRun('cancel_visit').effect.args).toEqual({ bookingId: his.bookingId, reason: 'caller asked', phone: PRIYA });
    expect(refused.find((e) => e.type === 'tool.output')).toMatchObject({ output: { status: 'error' } });
    expect(d.stage).toBe('manage');
    expect(await lookUp(d, 'calendar.getBooking', { bookingId: his.bookingId })).toMatchObject({ status: 'confirmed' });

    await d.model('find_new_time', { service: 'plumbing-repair', date: '2026-01-09', partOfDay: 'afternoon' });
    const slot = firstSlot(d, 'find_new_time');
    const moved = await d.model('move_visit', { bookingId: hers.bookingId, start: slot.start });
    expect(stagesEntered(moved)).toEqual(['change_done']);
    expect(await lookUp(d, 'calendar.getBooking', { bookingId: hers.bookingId })).toMatchObject({ status: 'confirmed', label: slot.label });
    expect(d.twilio.messages.map((m) => m.body)).toEqual([`Northwind Home Services: your Plumbing repair has moved to ${slot.label}. Booking ${hers.bookingId}.`]);
    expect(d.interpreter.instructions).toContain(`The visit is moved to ${slot.label}.`);

    await d.model('done_here');
    expect(ended(await d.hangUp()).outcome).toMatchObject({ result: 'rescheduled', bookingId: hers.bookingId, visit: slot.label, newCustomer: false });
  });

  it('no heat during office hours: the pattern goes to the first emergency visit, once', async () => {
    const d = await drive(options('+14165550999'));
    await d.start();
    const urgent = await d.say('Hi, we have no heat and the kids are freezing');
    expect(stagesEntered(urgent)).toEqual(['urgent_triage', 'urgent_service']);
    expect(urgent.find((e) => e.type === 'transition' && e.to === 'urgent_triage')).toMatchObject({ trigger: { kind: 'pattern', matched: 'no heat' } });
    // Saying it again does not start over.
    expect(stagesEntered(await d.say('Yes, no heat at all since this morning'))).toEqual([]);
    expect(d.stage).toBe('urgent_service');

    await d.model('find_emergency_visit', { service: 'hvac-emergency' });
    const slot = firstSlot(d, 'find_emergency_visit');
    expect(slot.label).toBe('Tuesday, January 6 at 12:00 PM');
    const booked = await d.model('book_emergency_visit', { start: slot.start, service: 'hvac-emergency', name: 'Alex Chen', notes: '55 Elm Street, Toronto. Furnace stopped, no heat.' });
    expect(stagesEntered(booked)).toEqual(['booked']);
    expect(d.twilio.messages[0]!.body).toContain('your Emergency HVAC service is booked for Tuesday, January 6 at 12:00 PM');
    expect(ended(await d.hangUp()).outcome).toMatchObject({ result: 'booked', emergency: true, serviceId: 'hvac-emergency', newCustomer: true });
  });

  it('after hours, a flooding basement goes straight to the on-call dispatcher', async () => {
    // 9:00 PM in Toronto: the office is closed.
    const d = await drive(options(JOHN, '2026-01-07T02:00:00Z'));
    const started = await d.start();
    expect(only(started, 'session.update').instructions).toContain('The office is closed right now');
    const transferred = await d.say('My basement is flooding, water everywhere');
    expect(stagesEntered(transferred)).toEqual(['urgent_triage', 'dispatcher']);
    expect(only(transferred, 'respond').say).toBe("I'm connecting you with our on-call dispatcher now. Please stay on the line.");
    expect(only(transferred, 'transfer')).toEqual({ type: 'transfer', to: '+14165550191', callerId: '+14165550190' });
    expect(ended(await d.hangUp('transferred')).outcome).toMatchObject({ result: 'transferred', emergency: true });
  });

  it('a gas smell gets safety instructions and the call ends', async () => {
    const d = await drive(options(PRIYA));
    await d.start();
    await d.model('wants_service', {});
    const safety = await d.say('Also I think I smell gas in the kitchen');
    expect(stagesEntered(safety)).toEqual(['gas_safety']);
    expect(safety.map((e) => e.type)).toEqual(['session.update', 'respond', 'hangup', 'transition']);
    expect(only(safety, 'respond').say).toMatch(/^That could be dangerous, so please act now\. Get everyone out of the house\./);
    const end = await d.hangUp();
    expect(ended(end).outcome).toEqual({ result: 'gas_safety', emergency: false, newCustomer: false });
    const log = await lookUp<{ interactions: Array<{ outcome: string; summary: string }> }>(d, 'crm.getInteractions', { phone: PRIYA });
    expect(log.interactions[0]).toMatchObject({ outcome: 'gas_safety', summary: 'Gas or CO safety instructions given.' });
  });
});

// Tuesday, January 6, 2026, 8:00 AM in Denver.
const AUTO_NOW = '2026-01-06T15:00:00Z';
const DANA = '+13035550101';
const SHOP = '+13035550140';

describe('auto-service.yaml', () => {
  const inbound = (from: string): FlowDriverOptions => ({ flow: 'auto-service.yaml', call: { from, to: SHOP, direction: 'inbound' }, now: AUTO_NOW, seeds: { calendar: ['auto'], crm: ['auto'] } });
  /** An outbound reminder for a booking made first (for Dana), as a campaign would place it. */
  const reminder = (to: string, service: string, vehicle?: string): FlowDriverOptions => ({
    flow: 'auto-service.yaml',
    call: { from: SHOP, to, direction: 'outbound' },
    now: AUTO_NOW,
    seeds: { calendar: ['auto'], crm: ['auto'] },
    async setup(host) {
      const booked = await host.invoke('calendar.book', { calendar: 'lakeside-auto', service, start: '2026-01-07T08:00', phone: DANA, name: 'Dana Whitfield' });
      if (!booked.ok) throw new Error(booked.error.message);
      return { bookingId: (booked.result as { bookingId: string }).bookingId, ...(vehicle ? { vehicle } : {}) };
    },
  });

  it('a returning customer: routed on the CRM lookup, picks a car on file, books a bay in the booking group', async () => {
    const d = await drive(inbound(DANA));
    const started = await d.start();
    expect(stagesEntered(started)).toEqual(['start', 'identify', 'welcome_back']);
    expect(only(started, 'session.update').instructions).toContain(
      'Vehicles on file: 2003 Honda Accord (about 182000 miles at the last visit). 2019 Subaru Outback (about 61000 miles at the last visit).',
    );
    expect(only(started, 'session.update').instructions).not.toContain('1HGCM82633A004352');

    await d.model('book_for_vehicle', { vehicle: { year: 2019, make: 'Subaru', model: 'Outback', mileage: 64000 }, concern: 'Due for an oil change' });
    expect(d.stage).toBe('choose_service');
    expect(d.interpreter.instructions).toContain('Oil change (id oil-change): 49.99 dollars, about 30 minutes.');

    expect(stagesEntered(await d.model('service_chosen', { serviceId: 'oil-change', serviceName: 'Oil change' }))).toEqual(['find_slot']);
    // The group's guidance, then the stage's.
    expect(d.interpreter.instructions).toMatch(/You are booking the Oil change for the 2019 Subaru Outback\.[\s\S]*Look with find_times/);
    expect(d.interpreter.tools.map((tool) => tool.name)).toEqual(['find_times', 'not_now', 'talk_to_person']);

    expect(stagesEntered(await d.model('find_times', { date: '2026-01-07', partOfDay: 'morning' }))).toEqual(['offer_booking']);
    expect(d.lastRun('find_times').effect.args).toMatchObject({ calendar: 'lakeside-auto', service: 'oil-change', seats: 1 });
    expect(d.interpreter.tools.map((tool) => tool.name)).toEqual(['find_times', 'book_service', 'not_now', 'talk_to_person']);
    const slot = firstSlot(d, 'find_times');
    expect(stagesEntered(await d.model('book_service', { start: slot.start }))).toEqual(['booked']);
    const booking = d.context.booking as { bookingId: string };
    expect(await lookUp(d, 'calendar.getBooking', { bookingId: booking.bookingId })).toMatchObject({
      service: { id: 'oil-change' },
      label: 'Wednesday, January 7 at 7:30 AM',
      notes: '2019 Subaru Outback: Due for an oil change',
      contact: { phone: DANA, name: 'Dana Whitfield' },
    });

    expect(only(await d.model('all_done'), 'respond').say).toBe('Thanks for calling Lakeside Auto Service. Drive safe!');
    expect(ended(await d.hangUp()).outcome).toEqual({
      callType: 'existing_customer',
      result: 'booked',
      bookingId: booking.bookingId,
      serviceId: 'oil-change',
      serviceName: 'Oil change',
      visit: 'Wednesday, January 7 at 7:30 AM',
      vehicle: '2019 Subaru Outback',
    });
  });

  it('a new customer: the vehicle details are validated, saved to the CRM, and the caller can press 0 for an advisor', async () => {
    const d = await drive(inbound('+13035550199'));
    expect(stagesEntered(await d.start())).toEqual(['start', 'identify', 'welcome_new']);
    // Mileage is required for new customers: the intent is refused until the model has it.
    const refused = await d.model('new_customer_details', { customerName: 'Chris Park', vehicle: { year: 2015, make: 'Toyota', model: 'Camry' }, concern: 'Squealing brakes' });
    expect(only(refused, 'violation')).toMatchObject({ code: 'CALL_INTENT_ARGUMENTS' });
    expect(d.stage).toBe('welcome_new');
    const saved = await d.model('new_customer_details', { customerName: 'Chris Park', vehicle: { year: 2015, make: 'Toyota', model: 'Camry', mileage: 98000 }, concern: 'Squealing brakes' });
    expect(stagesEntered(saved)).toEqual(['save_customer', 'choose_service']);
    expect(await lookUp(d, 'crm.lookupContact', { phone: '+13035550199' })).toMatchObject({
      found: true,
      name: 'Chris Park',
      attributes: { vehicles: [{ year: 2015, make: 'Toyota', model: 'Camry', mileage: 98000 }] },
    });

    await d.model('service_chosen', { serviceId: 'brake-service', serviceName: 'Brake service' });
    await d.model('find_times', { date: '2026-01-06', partOfDay: 'afternoon' });
    expect(d.stage).toBe('offer_booking');
    const transferred = await d.press('0');
    expect(stagesEntered(transferred)).toEqual(['service_desk']);
    expect(only(transferred, 'transfer').to).toBe(SHOP);
    expect(ended(await d.hangUp('transferred')).outcome).toEqual({ callType: 'new_customer', result: 'transferred', serviceName: 'Brake service', vehicle: '2015 Toyota Camry' });
  });

  it('an outbound reminder: loads the booking passed by the campaign, and moves it when the customer cannot make it', async () => {
    const d = await drive(reminder(DANA, 'oil-change', '2003 Honda Accord'));
    const appointment = { bookingId: d.call.parameters.bookingId! };
    const started = await d.start();
    expect(stagesEntered(started)).toEqual(['start', 'load_reminder', 'reminder']);
    expect(d.runs.map((run) => [run.effect.tool, run.effect.args])).toEqual([
      ['office_hours', { calendar: 'lakeside-auto' }],
      ['lookup_customer', { phone: DANA }],
      ['get_appointment', { bookingId: appointment.bookingId, phone: DANA }],
    ]);
    expect(only(started, 'session.update').instructions).toContain('You are calling Dana to remind them about their Oil change for the 2003 Honda Accord, Wednesday, January 7 at 8:00 AM.');

    expect(stagesEntered(await d.model('wants_new_time'))).toEqual(['reschedule']);
    await d.model('find_times', { date: '2026-01-08', partOfDay: 'afternoon' });
    const slot = firstSlot(d, 'find_times');
    expect(slot.label).toBe('Thursday, January 8 at 12:00 PM');
    const moved = await d.model('move_appointment', { start: slot.start });
    expect(stagesEntered(moved)).toEqual(['moved']);
    expect(only(moved, 'respond').say).toBe("You're all set for Thursday, January 8 at 12:00 PM. See you then, and thanks!");
    expect(await lookUp(d, 'calendar.getBooking', { bookingId: appointment.bookingId })).toMatchObject({ status: 'confirmed', label: 'Thursday, January 8 at 12:00 PM' });
    expect(ended(await d.hangUp()).outcome).toEqual({
      callType: 'reminder',
      result: 'rescheduled',
      bookingId: appointment.bookingId,
      serviceId: 'oil-change',
      visit: 'Thursday, January 8 at 12:00 PM',
      vehicle: '2003 Honda Accord',
    });
    const log = await lookUp<{ interactions: Array<{ outcome: string; summary: string; direction: string }> }>(d, 'crm.getInteractions', { phone: DANA });
    expect(log.interactions[0]).toMatchObject({ direction: 'outbound', outcome: 'rescheduled', summary: `Reminder call for ${appointment.bookingId}. Moved to Oil change, Thursday, January 8 at 12:00 PM (${appointment.bookingId}).` });
  });

  it('an outbound reminder that meets silence leaves a voicemail; one for a booking that is not the callee’s says nothing about it', async () => {
    const d = await drive(reminder(DANA, 'tire-rotation'));
    await d.start();
    await d.send({ type: 'agent.turnEnded' });
    const voicemail = await d.elapse('/silence-');
    expect(stagesEntered(voicemail)).toEqual(['reminder_voicemail']);
    expect(only(voicemail, 'respond').say).toContain('with a reminder about your appointment Wednesday, January 7 at 8:00 AM.');
    expect(ended(await d.hangUp()).outcome).toMatchObject({ callType: 'reminder', result: 'voicemail' });
    await d.close();

    // The campaign passes Dana's booking on a call to Marcus: the owner check refuses it.
    const other = await drive(reminder('+13035550102', 'tire-rotation'));
    const started = await other.start();
    expect(stagesEntered(started)).toEqual(['start', 'load_reminder', 'reminder_unavailable']);
    expect(other.lastRun('get_appointment').result).toMatchObject({ ok: false, error: { code: 'CALENDAR_BOOKING_NOT_FOUND' } });
    expect(only(started, 'respond').say).not.toMatch(/January|tire/i);
  });
});

// Tuesday, January 6, 2026, 10:00 AM in Philadelphia.
const CLINIC_NOW = '2026-01-06T15:00:00Z';
const KEISHA = '+12155550112';

describe('clinic-intake.yaml', () => {
  const options = (from: string, now = CLINIC_NOW): FlowDriverOptions => ({
    flow: 'clinic-intake.yaml',
    call: { from, to: '+12155550170', direction: 'inbound' },
    now,
    seeds: { calendar: ['clinic'], crm: ['clinic'] },
  });

  it('takes the intake step by step, books a sick visit, and keeps the intake as the outcome and a CRM note', async () => {
    const d = await drive(options(KEISHA));
    const started = await d.start();
    expect(only(started, 'session.update').instructions).toContain('This number belongs to Keisha Brown, one of our patients.');
    await d.model('start_intake');
    await d.model('patient_identified', { patientName: 'Jordan Brown', dateOfBirth: '2021-05-17', callerRelationship: 'parent', newPatient: false });
    expect(d.stage).toBe('visit_reason');
    // Typed collection: a visit type outside the list is refused, and nothing moves.
    expect(only(await d.model('reason_given', { reasonForVisit: 'Ear pain', visitType: 'checkup' }), 'violation').code).toBe('CALL_INTENT_ARGUMENTS');
    const triaged = await d.model('reason_given', { reasonForVisit: 'Ear pain and a fever', visitType: 'sick', symptoms: ['ear pain', 'fever'], symptomDuration: 'two days', severity: 4 });
    expect(stagesEntered(triaged)).toEqual(['triage', 'health_history']);
    await d.model('history_given', { medications: ["children's ibuprofen"], allergies: ['penicillin'], insurance: 'Keystone First' });
    await d.model('contact_given', { useCallingNumber: true, bestTimeToCall: 'afternoon', okToText: true });
    expect(d.interpreter.instructions).toContain('or have the care team call back in the afternoon.');
    expect(stagesEntered(await d.model('wants_appointment'))).toEqual(['appointment']);

    await d.model('find_times', { date: '2026-01-06', partOfDay: 'afternoon' });
    // The service follows from the intake: a sick visit for a known patient.
    expect(d.lastRun('find_times').effect.args).toMatchObject({ calendar: 'riverbend-clinic', service: 'sick-visit' });
    const slot = firstSlot(d, 'find_times');
    expect(stagesEntered(await d.model('book_visit', { start: slot.start }))).toEqual(['booked']);
    const booking = d.context.booking as { bookingId: string; label: string };
    expect(await lookUp(d, 'calendar.getBooking', { bookingId: booking.bookingId })).toMatchObject({
      service: { id: 'sick-visit' },
      attendees: ['Jordan Brown'],
      notes: 'Ear pain and a fever',
      contact: { phone: KEISHA },
    });
    await d.model('all_done');
    expect(ended(await d.hangUp()).outcome).toEqual({
      disposition: 'appointment_booked',
      urgency: 'soon',
      escalated: false,
      patient: { name: 'Jordan Brown', dateOfBirth: '2021-05-17', callerRelationship: 'parent', newPatient: false },
      visit: { reason: 'Ear pain and a fever', type: 'sick', symptoms: ['ear pain', 'fever'], duration: 'two days', severity: 4 },
      history: { medications: ["children's ibuprofen"], allergies: ['penicillin'], insurance: 'Keystone First' },
      contact: { phone: KEISHA, bestTimeToCall: 'afternoon', okToText: true },
      appointment: { bookingId: booking.bookingId, when: booking.label, service: 'Sick visit' },
    });
    const record = await lookUp<{ notes: Array<{ text: string }> }>(d, 'crm.lookupContact', { phone: KEISHA });
    expect(record.notes[0]!.text).toBe(
      "Phone intake. Patient: Jordan Brown (born 2021-05-17), called in by their parent. Reason: Ear pain and a fever. Symptoms: ear pain, fever for two days, severity 4/10. Medications: children's ibuprofen. Allergies: penicillin. Insurance: Keystone First. Call back: afternoon.",
    );
    const log = await lookUp<{ interactions: Array<{ outcome: string; summary: string }> }>(d, 'crm.getInteractions', { phone: KEISHA });
    expect(log.interactions[0]).toMatchObject({ outcome: 'appointment_booked', summary: `Intake call for Jordan Brown. Booked Sick visit, ${booking.label}.` });
  });

  it('"chest pain" transfers to the nurse at once, from the middle of the intake, without the model', async () => {
    const d = await drive(options('+12155550199'));
    await d.start();
    await d.model('start_intake');
    const escalated = await d.say("It's my dad, he has chest pain and he's sweating");
    expect(stagesEntered(escalated)).toEqual(['nurse_line']);
    expect(only(escalated, 'transition').trigger).toEqual({ kind: 'keywords', matched: 'chest pain' });
    expect(escalated.map((e) => e.type)).toEqual(['session.update', 'respond', 'transfer', 'transition']);
    expect(only(escalated, 'respond').say).toMatch(/^This sounds urgent\. If you or anyone with you is in danger, hang up and call nine one one\./);
    expect(only(escalated, 'transfer').to).toBe('+12155550175');
    expect(ended(await d.hangUp('transferred')).outcome).toEqual({
      disposition: 'escalated',
      urgency: 'emergency',
      escalated: true,
      escalationReason: 'possible emergency',
      patient: {},
      visit: {},
      history: {},
      contact: {},
    });
    const record = await lookUp<{ notes: Array<{ text: string }> }>(d, 'crm.lookupContact', { phone: '+12155550199' });
    expect(record.notes[0]!.text).toBe('Phone intake. ESCALATED: possible emergency.');
  });

  it('talk of self-harm reaches the care team (pattern), with the crisis line mentioned', async () => {
    const d = await drive(options(KEISHA));
    await d.start();
    const crisis = await d.say('I do not know, lately I just want to die');
    expect(stagesEntered(crisis)).toEqual(['crisis_line']);
    expect(only(crisis, 'transition').trigger).toMatchObject({ kind: 'pattern', matched: 'want to die' });
    expect(only(crisis, 'respond').say).toContain('nine eight eight, the Suicide and Crisis Lifeline');
    expect(only(crisis, 'transfer').to).toBe('+12155550176');
    expect(ended(await d.hangUp('transferred')).outcome).toMatchObject({ disposition: 'escalated', escalationReason: 'self-harm risk' });
  });

  it('a severity of nine out of ten goes to the nurse when the reason is taken', async () => {
    const d = await drive(options('+12155550111'));
    await d.start();
    await d.model('start_intake');
    await d.model('patient_identified', { patientName: 'Alex Morgan', dateOfBirth: '1988-03-04', callerRelationship: 'self', newPatient: false });
    const triaged = await d.model('reason_given', { reasonForVisit: 'Worst headache of my life', visitType: 'sick', symptoms: ['headache'], symptomDuration: 'since this morning', severity: 9 });
    expect(stagesEntered(triaged)).toEqual(['triage', 'nurse_line']);
    expect(ended(await d.hangUp('transferred')).outcome).toMatchObject({ disposition: 'escalated', urgency: 'emergency', escalationReason: 'severity 9 of 10', visit: { severity: 9 } });
  });

  it('after hours, a routine visit ends with a call back once the clinic opens', async () => {
    // 6:30 PM in Philadelphia: closed.
    const d = await drive(options('+12155550199', '2026-01-06T23:30:00Z'));
    const started = await d.start();
    expect(only(started, 'session.update').instructions).toContain('The clinic is closed right now');
    await d.model('start_intake');
    await d.model('patient_identified', { patientName: 'Sam Lee', dateOfBirth: '1990-07-01', callerRelationship: 'self', newPatient: true });
    expect(stagesEntered(await d.model('reason_given', { reasonForVisit: 'Yearly physical', visitType: 'physical' }))).toEqual(['triage', 'health_history']);
    await d.model('history_given', { medications: [], allergies: [], insurance: 'self-pay' });
    await d.model('contact_given', { useCallingNumber: false, callbackNumber: '267 555 0123', bestTimeToCall: 'morning', okToText: false });
    const end = await d.model('wants_callback');
    expect(stagesEntered(end)).toEqual(['callback_confirmed']);
    expect(only(end, 'session.update').instructions).toContain('Confirm that the care team will call back in the morning once the clinic opens.');
    const outcome = ended(await d.hangUp()).outcome!;
    expect(outcome).toMatchObject({ disposition: 'callback_requested', urgency: 'routine', contact: { phone: '267 555 0123', bestTimeToCall: 'morning', okToText: false } });
    const record = await lookUp<{ notes: Array<{ text: string }> }>(d, 'crm.lookupContact', { phone: '+12155550199' });
    expect(record.notes[0]!.text).toContain('Medications: none. Allergies: none known. Insurance: self-pay. Call back: morning at 267 555 0123.');
  });
});

const HARBOR = '+16195550160';
const JENNY = '+16195550162';
const SAM = '+16195550161';
// Tuesday, January 6, 2026: noon in San Diego (open), and 8:00 AM (closed until ten).
const SALON_OPEN = '2026-01-06T20:00:00Z';
const SALON_CLOSED = '2026-01-06T16:00:00Z';

describe('smb-receptionist.yaml', () => {
  const options = (from: string, now: string, context?: Record<string, unknown>): FlowDriverOptions => ({
    flow: 'smb-receptionist.yaml',
    call: { from, to: HARBOR, direction: 'inbound' },
    now,
    seeds: { calendar: ['smb'], crm: ['smb'] },
    ...(context ? { context } : {}),
  });

  it('open: greets with the business’s own words, answers prices, books two kids back to back and texts the confirmation', async () => {
    const d = await drive(options(JENNY, SALON_OPEN));
    const started = await d.start();
    expect(stagesEntered(started)).toEqual(['route', 'reception']);
    expect(only(started, 'respond')).toEqual({ type: 'respond', reason: 'stage', say: 'Thanks for calling Harbor Street Hair Studio, this is Jamie. How can I help you today?' });
    const instructions = only(started, 'session.update').instructions;
    expect(instructions).toContain('Opening hours: Monday: closed. Tuesday: 10:00 AM–7:00 PM. Wednesday: 10:00 AM–7:00 PM.');
    expect(instructions).toContain('The business is open now.');
    expect(instructions).toContain('The caller is Jenny Park, a regular client');

    // A price question: the tool's exposed result goes back to the model, the stage stays.
    const prices = await d.model('list_services');
    expect(prices.find((e) => e.type === 'tool.output')).toMatchObject({ output: { status: 'ok', result: { services: expect.arrayContaining([expect.objectContaining({ id: 'kids-cut', price: 30 })]) } } });
    expect(d.stage).toBe('reception');

    await d.model('wants_appointment');
    expect(d.interpreter.instructions).toContain('On file for this caller: Leo and Mia.');
    await d.model('find_times', { service: 'kids-cut', date: '2026-01-08', partOfDay: 'afternoon', seats: 2, arrangement: 'consecutive' });
    expect(d.lastRun('find_times').effect.args).toEqual({ service: 'kids-cut', date: '2026-01-08', partOfDay: 'afternoon', seats: 2, arrangement: 'consecutive', calendar: 'harbor-hair', limit: 4 });
    const slot = firstSlot(d, 'find_times');
    const booked = await d.model('book_appointment', { start: slot.start, service: 'kids-cut', resource: slot.appointments[0]!.resourceId, name: 'Jenny Park', attendees: ['Leo', 'Mia'], seats: 2, arrangement: 'consecutive' });
    expect(stagesEntered(booked)).toEqual(['booked']);
    const booking = d.context.booking as { bookingId: string; appointments: Array<{ attendee: string; resource: string; time: string }> };
    expect(booking.appointments.map((a) => a.attendee)).toEqual(['Leo', 'Mia']);
    const stylist = booking.appointments[0]!.resource;
    expect(d.interpreter.instructions).toContain(`: Leo with ${stylist} at ${booking.appointments[0]!.time}; Mia with ${stylist} at ${booking.appointments[1]!.time}.`);
    expect(d.twilio.messages.map((m) => [m.to, m.body])).toEqual([
      [JENNY, `Harbor Street Hair Studio: you are booked for Kids' haircut (under 12) on ${slot.label} with ${stylist}. Booking ${booking.bookingId}. Reply STOP to opt out.`],
    ]);
    await d.model('done_booking');
    expect(ended(await d.hangUp()).outcome).toEqual({
      reason: 'booking',
      afterHours: false,
      bookingId: booking.bookingId,
      bookingFor: ['Leo', 'Mia'],
      leadCaptured: false,
      messageTaken: false,
      staffNotified: false,
      transferred: false,
    });
  });

  it('another business on the same flow: its greeting, its owner’s phone for an urgent text and transfer', async () => {
    const business = { name: 'Bayside Barbers', agentName: 'Alex', greeting: 'Bayside Barbers, Alex speaking!', staffPhone: '+16195550188' };
    const d = await drive(options('+16195550177', SALON_OPEN, { business }));
    const started = await d.start();
    expect(only(started, 'respond').say).toBe('Bayside Barbers, Alex speaking!');
    expect(only(started, 'session.update').instructions).toMatch(/^You are Alex, the receptionist who answers the phone for Bayside Barbers,/);

    const urgent = await d.say('I got a chemical burn on my scalp from the color yesterday');
    expect(stagesEntered(urgent)).toEqual(['urgent']);
    // The owner was texted before the agent said a word.
    expect(urgent.map((e) => e.type).slice(0, 3)).toEqual(['tool.run', 'session.update', 'respond']);
    expect(d.twilio.messages.map((m) => [m.to, m.body])).toEqual([
      ['+16195550188', 'URGENT call to Bayside Barbers from +16195550177: the caller reports a problem that needs you now. Please call them back.'],
    ]);
    const transfer = await d.model('connect_owner');
    expect(only(transfer, 'transfer')).toEqual({ type: 'transfer', to: '+16195550188', callerId: HARBOR });
    expect(ended(await d.hangUp('transferred')).outcome).toMatchObject({ reason: 'urgent', staffNotified: true, transferred: true, afterHours: false });
  });

  it('closed: says so, 0 reaches nobody, takes a message (an urgent aside and back), texts it to the owner', async () => {
    const d = await drive(options(SAM, SALON_CLOSED));
    const started = await d.start();
    expect(stagesEntered(started)).toEqual(['route', 'after_hours']);
    expect(only(started, 'respond').say).toBe("Thanks for calling Harbor Street Hair Studio, this is Jamie. How can I help you today? Just so you know, we're closed right now, but I can book you in or take a message.");
    // The keypad escape only counts while someone is there to answer.
    expect(stagesEntered(await d.press('0'))).toEqual([]);
    expect(d.interpreter.tools.map((tool) => tool.name)).not.toContain('talk_to_person');

    await d.model('message_after_hours');
    // "burning question" is no alarm; "my scalp is burning" is.
    expect(stagesEntered(await d.say('I have a burning question about my color first'))).toEqual([]);
    const aside = await d.say('Since my color on Saturday my scalp is burning');
    expect(stagesEntered(aside)).toEqual(['urgent']);
    expect(d.twilio.messages).toHaveLength(1);
    // `$previous`: back to taking the message.
    expect(stagesEntered(await d.model('back_to_it'))).toEqual(['take_message']);

    const sent = await d.model('message_taken', { callerName: 'Sam Ortiz', recipient: 'Maya', message: 'Please call me about the burning after my color.' });
    expect(stagesEntered(sent)).toEqual(['deliver_message', 'message_sent']);
    expect(d.twilio.messages[1]).toMatchObject({ to: '+16195550169', body: `New message for Maya from Sam Ortiz (${SAM}): Please call me about the burning after my color.` });
    expect(d.interpreter.instructions).toContain('The message has been passed on to the team just now.');
    expect(d.interpreter.instructions).toContain('Say someone will call back when the business opens.');
    const log = await lookUp<{ interactions: Array<{ outcome: string; summary: string }> }>(d, 'crm.getInteractions', { phone: SAM });
    expect(log.interactions[0]).toMatchObject({ outcome: 'message', summary: 'Message for Maya from Sam Ortiz: Please call me about the burning after my color.' });

    await d.model('done_message');
    expect(ended(await d.hangUp()).outcome).toMatchObject({ reason: 'urgent', afterHours: true, messageTaken: true, staffNotified: true, transferred: false });
  });

  it('closed: a call that lingers is wrapped up after five minutes', async () => {
    const d = await drive(options(SAM, SALON_CLOSED));
    await d.start();
    const wrapped = await d.elapse('/after/');
    expect(stagesEntered(wrapped)).toEqual(['wrap_up_after_hours']);
    expect(only(wrapped, 'transition').trigger).toEqual({ kind: 'after', ms: 300_000 });
    expect(only(wrapped, 'respond').say).toBe('I\'ll let you go for now. Thanks for calling Harbor Street Hair Studio, and have a good night!');
  });

  it('captures a wedding lead in the CRM (contact, tag, note), then 0 reaches the front desk', async () => {
    const d = await drive(options('+16195550177', SALON_OPEN));
    await d.start();
    await d.model('group_or_event');
    const saved = await d.model('lead_details', { leadName: 'Dana Lopez', eventType: 'wedding', eventDate: '2026-06-13', partySize: 6, servicesWanted: ['updos', 'blowouts'], email: 'dana@example.com' });
    expect(stagesEntered(saved)).toEqual(['save_lead', 'lead_saved']);
    const contact = await lookUp<{ found: boolean; name: string; email: string; tags: string[]; notes: Array<{ text: string }> }>(d, 'crm.lookupContact', { phone: '+16195550177' });
    expect(contact).toMatchObject({ found: true, name: 'Dana Lopez', email: 'dana@example.com', tags: ['lead'] });
    expect(contact.notes[0]!.text).toBe('Lead: wedding on 2026-06-13, 6 people, wants updos, blowouts. Email: dana@example.com. Send a quote within one business day.');
    expect(d.interpreter.instructions).toContain('Thank Dana Lopez: the owner will be in touch within one business day by email or at this number');

    const transferred = await d.press('0');
    expect(only(transferred, 'transfer')).toEqual({ type: 'transfer', to: HARBOR });
    expect(ended(await d.hangUp('transferred')).outcome).toMatchObject({ reason: 'lead', leadCaptured: true, transferred: true });
  });
});
