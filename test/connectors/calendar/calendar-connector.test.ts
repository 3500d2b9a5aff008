import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BookingView, FindBookingsOutput, FindSlotsOutput, GetHoursOutput, ListServicesOutput } from '../../../connectors/calendar/index.js';
import { CALENDAR_SEEDS, loadCalendarSeed } from '../../../connectors/calendar/seed.js';
import { type ConnectorTestKit, loadConnectorForTest } from '../../../engine/testing/connector-test-kit.js';

// Monday 2026-01-05, 9:00 AM in Austin (America/Chicago, UTC-6).
const NOW = '2026-01-05T15:00:00Z';
let kit: ConnectorTestKit;

beforeAll(async () => {
  kit = await loadConnectorForTest('calendar', { now: NOW, env: { PARLEY_CALENDAR_DEFAULT: 'jefferson-dental' } });
  for (const seed of CALENDAR_SEEDS) await loadCalendarSeed(kit.storage, seed);
});
afterAll(async () => {
  await kit?.close();
});

const slots = (input: Record<string, unknown>) => kit.ok<FindSlotsOutput>('findSlots', input);
const book = (input: Record<string, unknown>) => kit.ok<BookingView>('book', input);

describe('calendar: finding slots', () => {
  it('finds morning slots for one person, spoken and machine-readable', async () => {
    const out = await slots({ date: '2026-01-06', partOfDay: 'morning', service: 'exam-cleaning', limit: 3 });
    expect(out).toMatchObject({ calendar: 'jefferson-dental', timeZone: 'America/Chicago', from: '2026-01-06', to: '2026-01-06', durationMinutes: 45, seats: 1 });
    expect(out.slots.map((s) => s.label)).toEqual(['Tuesday, January 6 at 8:00 AM', 'Tuesday, January 6 at 8:30 AM', 'Tuesday, January 6 at 9:00 AM']);
    expect(out.slots[0]).toMatchObject({ start: '2026-01-06T08:00:00-06:00', end: '2026-01-06T08:45:00-06:00', date: '2026-01-06', time: '8:00 AM', arrangement: 'together' });
    expect(out.slots[0]!.appointments).toEqual([{ seat: 0, resource: 'Chair 1', resourceId: 'chair-1', start: '2026-01-06T08:00:00-06:00', end: '2026-01-06T08:45:00-06:00', time: '8:00 AM' }]);
    expect(out.message).toBe('3 open slots for 1 person on 2026-01-06 (morning).');
  });

  it('seats two children at once in two chairs', async () => {
    const out = await slots({ date: '2026-01-06', partOfDay: 'afternoon', seats: 2, limit: 2 });
    expect(out.slots[0]).toMatchObject({ label: 'Tuesday, January 6 at 1:00 PM', seats: 2, arrangement: 'together' });
    expect(out.slots[0]!.appointments.map((a) => [a.resourceId, a.time])).toEqual([
      ['chair-1', '1:00 PM'],
      ['chair-2', '1:00 PM'],
    ]);
  });

  it('puts three children back to back when three chairs are not free together', async () => {
    // Chair 3 works Monday, Wednesday and Friday mornings only.
    const tuesday = await slots({ date: '2026-01-06', partOfDay: 'morning', seats: 3, limit: 1 });
    expect(tuesday.slots[0]).toMatchObject({ arrangement: 'consecutive', start: '2026-01-06T08:00:00-06:00' });
    expect(tuesday.slots[0]!.appointments.map((a) => [a.resourceId, a.time])).toEqual([
      ['chair-1', '8:00 AM'],
      ['chair-1', '8:45 AM'],
      ['chair-1', '9:30 AM'],
    ]);
    const together = await slots({ date: '2026-01-06', seats: 3, arrangement: 'together' });
    expect(together.slots).toEqual([]);
    expect(together.message).toBe('Nothing open for 3 people on 2026-01-06. Offer another day or time of day.');
    const wednesday = await slots({ date: '2026-01-07', seats: 3, arrangement: 'together', limit: 1 });
    expect(wednesday.slots[0]!.appointments.map((a) => a.resourceId)).toEqual(['chair-1', 'chair-2', 'chair-3']);
  });

  it('respects parts of day, evening hours and the notice period', async () => {
    const thursdayEvening = await slots({ date: '2026-01-08', partOfDay: 'evening', limit: 10 });
    expect(thursdayEvening.slots.map((s) => s.time)).toEqual(['5:00 PM', '5:30 PM', '6:00 PM']);
    expect((await slots({ date: '2026-01-06', partOfDay: 'evening' })).slots).toEqual([]);
    // Now is 9:00 AM with 2 hours' notice: the first slot today is 11:00 (45 minutes, done by the noon break).
    const today = await slots({ date: '2026-01-05', limit: 2 });
    expect(today.slots.map((s) => s.label)).toEqual(['Monday, January 5 at 11:00 AM', 'Monday, January 5 at 1:00 PM']);
  });

  it('says when the business is closed that day', async () => {
    const out = await slots({ date: '2026-01-19' });
    expect(out.slots).toEqual([]);
    expect(out.message).toBe('Jefferson Dental — Main Street is closed on 2026-01-19 (Martin Luther King Jr. Day). Offer another day.');
    expect((await slots({ date: '2026-01-11' })).slots).toEqual([]); // a Sunday
  });

  it('searches a range, skipping closed days, with a default of a week from today', async () => {
    const out = await slots({ from: '2026-01-10', to: '2026-01-12', partOfDay: 'morning', limit: 20 });
    expect(new Set(out.slots.map((s) => s.date))).toEqual(new Set(['2026-01-10', '2026-01-12']));
    const week = await slots({});
    expect(week).toMatchObject({ from: '2026-01-05', to: '2026-01-11' });
  });

  it('works across the DST change', async () => {
    const out = await slots({ date: '2026-03-09', limit: 1 });
    expect(out.slots[0]!.start).toBe('2026-03-09T08:00:00-05:00');
  });

  it('offers technicians who can do the service', async () => {
    const monday = await slots({ calendar: 'northwind-home', service: 'hvac-repair', date: '2026-01-12', limit: 1, seats: 2, arrangement: 'together' });
    // Lena also does HVAC but does not work Mondays.
    expect(monday.slots[0]!.appointments.map((a) => a.resource)).toEqual(['James Miller', 'Sara Chen']);
    expect(monday.slots[0]!.start).toBe('2026-01-12T07:00:00-05:00');
    const plumbing = await slots({ calendar: 'northwind-home', service: 'drain-cleaning', date: '2026-01-12', limit: 1 });
    expect(plumbing.slots[0]!.appointments[0]!.resource).toBe('Omar Haddad');
    await kit.fails('findSlots', { calendar: 'northwind-home', service: 'drain-cleaning', resource: 'tech-james-miller', date: '2026-01-12' }, 'CALENDAR_RESOURCE_NOT_FOUND');
  });
});

describe('calendar: bad requests are coded errors', () => {
  it.each([
    [{ date: '2026-02-30' }, 'CALENDAR_INVALID_DATE', '2026-02-30 is not a date: February 2026 has 28 days'],
    [{ date: '2026-13-01' }, 'CALENDAR_INVALID_DATE', 'there is no month 13'],
    [{ date: '2026-01-02' }, 'CALENDAR_DATE_IN_PAST', 'today is 2026-01-05 in America/Chicago'],
    [{ from: '2025-12-01', to: '2025-12-31' }, 'CALENDAR_DATE_IN_PAST', 'is in the past'],
    [{ from: '2026-01-20', to: '2026-01-10' }, 'CALENDAR_INVALID_RANGE', 'ends (2026-01-10) before it starts (2026-01-20)'],
    [{ from: '2026-01-06', to: '2026-06-30' }, 'CALENDAR_INVALID_RANGE', 'longer than one search may cover (31)'],
    [{ date: 'next tuesday' }, 'CONNECTOR_INPUT_INVALID', 'input.date: must match pattern'],
    [{ seats: 'two' }, 'CONNECTOR_INPUT_INVALID', 'input.seats: must be integer'],
    [{ seats: 0 }, 'CONNECTOR_INPUT_INVALID', 'input.seats: must be >= 1'],
    [{ partOfDay: 'night' }, 'CONNECTOR_INPUT_INVALID', 'input.partOfDay: must be one of'],
    [{ calendar: 'no-such-clinic' }, 'CALENDAR_NOT_FOUND', 'No calendar "no-such-clinic"'],
    [{ service: 'root-canal' }, 'CALENDAR_SERVICE_NOT_FOUND', 'has no service "root-canal"'],
    [{ resource: 'chair-9' }, 'CALENDAR_RESOURCE_NOT_FOUND', 'has no resource "chair-9"'],
  ])('findSlots %j → %s', async (input, code, message) => {
    const error = await kit.fails('findSlots', input, code);
    expect(error.message).toContain(message);
  });

  it.each([
    [{ start: '2026-02-30T09:00', phone: '5125550142' }, 'CALENDAR_INVALID_DATE', 'February 2026 has 28 days'],
    [{ start: '2026-01-06T25:00', phone: '5125550142' }, 'CALENDAR_INVALID_DATE', '25:00 is not a time of day'],
    [{ start: '2026-01-02T09:00', phone: '5125550142' }, 'CALENDAR_DATE_IN_PAST', 'Friday, January 2 at 9:00 AM is in the past'],
    [{ start: '2026-01-06T07:00', phone: '5125550142' }, 'CALENDAR_OUTSIDE_HOURS', 'outside business hours'],
    [{ start: '2026-01-06T12:15', phone: '5125550142' }, 'CALENDAR_OUTSIDE_HOURS', 'outside business hours'],
    [{ start: '2026-01-06T08:10', phone: '5125550142' }, 'CALENDAR_OUTSIDE_HOURS', '15-minute grid'],
    [{ start: '2026-01-11T09:00', phone: '5125550142' }, 'CALENDAR_OUTSIDE_HOURS', 'closed on Sundays'],
    [{ start: '2026-01-19T09:00', phone: '5125550142' }, 'CALENDAR_OUTSIDE_HOURS', 'closed on 2026-01-19 (Martin Luther King Jr. Day)'],
    [{ start: '2026-01-05T09:30', phone: '5125550142' }, 'CALENDAR_SLOT_UNAVAILABLE', "120 minutes' notice"],
    [{ start: '2026-09-01T09:00', phone: '5125550142' }, 'CALENDAR_OUTSIDE_HOURS', 'up to 90 days ahead'],
    [{ start: '2026-01-06T09:00', phone: '555-0142' }, 'PHONE_NUMBER_INVALID', 'needs its 3-digit area code'],
    [{ start: '2026-01-06T09:00', phone: '5125550142', seats: 1, attendees: ['Tony', 'Paula'] }, 'CONNECTOR_INPUT_INVALID', '2 attendees need at least 2 seats'],
    [{ start: '2026-01-06T09:00' }, 'CONNECTOR_INPUT_INVALID', 'missing required field `phone`'],
    [{ start: 20260106, phone: '5125550142' }, 'CONNECTOR_INPUT_INVALID', 'input.start: must be string'],
  ])('book %j → %s', async (input, code, message) => {
    const error = await kit.fails('book', input, code);
    expect(error.message).toContain(message);
  });

  it('refuses invalid seed data, naming the field', async () => {
    const bad = (patch: Record<string, unknown>) => loadCalendarSeed(kit.storage, { calendars: [{ id: 'bad', name: 'Bad', timeZone: 'America/Chicago', hours: { mon: [['09:00', '17:00']] }, resources: [{ id: 'r', name: 'R', kind: 'room' }], ...patch }] });
    await expect(bad({ timeZone: 'Mars/Olympus' })).rejects.toMatchObject({ code: 'CALENDAR_SEED_INVALID', message: expect.stringContaining('timeZone "Mars/Olympus" is not an IANA time zone') });
    await expect(bad({ hours: { mon: [['17:00', '09:00']] } })).rejects.toMatchObject({ code: 'CALENDAR_SEED_INVALID', message: expect.stringContaining('hours.mon: 17:00–09:00 is not an opening interval') });
    await expect(bad({ hours: { mon: [['09:10', '17:00']] } })).rejects.toMatchObject({ message: expect.stringContaining('not on the 15-minute booking grid') });
    await expect(bad({ closures: [{ date: '2026-02-30' }] })).rejects.toMatchObject({ message: expect.stringContaining('closures: 2026-02-30 is not a date') });
    await expect(bad({ resources: [{ id: 'r', name: 'R', kind: 'room' }, { id: 'r', name: 'R2', kind: 'room' }] })).rejects.toMatchObject({ message: expect.stringContaining('id "r" is used twice') });
    await expect(bad({ resources: [{ id: '1r', name: 'R', kind: 'room' }] })).rejects.toMatchObject({ message: expect.stringContaining('calendar.resources[0].id: must match pattern') });
    await expect(bad({ services: [{ id: 's', name: 'S', durationMinutes: 30, resourceKind: 'chair' }] })).rejects.toMatchObject({ message: expect.stringContaining('no resource of kind "chair"') });
    await expect(bad({ colour: 'blue' })).rejects.toMatchObject({ message: expect.stringContaining('unknown field `colour`') });
  });
});

describe('calendar: booking, cancelling, rescheduling', () => {
  it('books two children together, stores the caller as E.164, and takes the seats', async () => {
    const booking = await book({ start: '2026-01-06T14:00:00-06:00', service: 'exam-cleaning', attendees: ['Tony', 'Paula'], phone: '(512) 555-0142', name: 'Maria Garcia', notes: 'Medicaid outreach' });
    expect(booking).toMatchObject({
      status: 'confirmed',
      calendar: 'jefferson-dental',
      label: 'Tuesday, January 6 at 2:00 PM',
      start: '2026-01-06T14:00:00-06:00',
      end: '2026-01-06T14:45:00-06:00',
      seats: 2,
      arrangement: 'together',
      service: { id: 'exam-cleaning', name: 'Exam and cleaning' },
      attendees: ['Tony', 'Paula'],
      contact: { phone: '+15125550142', name: 'Maria Garcia' },
      location: '1200 Main Street, Austin, TX 78701',
    });
    expect(booking.bookingId).toMatch(/^BK-[A-HJ-NP-Z2-9]{6}$/);
    expect(booking.appointments.map((a) => [a.attendee, a.resource])).toEqual([
      ['Tony', 'Chair 1'],
      ['Paula', 'Chair 2'],
    ]);
    // Tuesday afternoons have two chairs: 2:00 PM is now full.
    const after = await slots({ date: '2026-01-06', partOfDay: 'afternoon', limit: 20 });
    expect(after.slots.map((s) => s.time)).not.toContain('2:00 PM');
    expect(after.slots.map((s) => s.time)).not.toContain('1:30 PM'); // 1:30–2:15 overlaps
    expect(after.slots.map((s) => s.time)).toContain('3:00 PM');
    await kit.fails('book', { start: '2026-01-06T14:00', durationMinutes: 30, phone: '5125550111' }, 'CALENDAR_SLOT_UNAVAILABLE');
  });

  it('books back to back when asked, in one chair', async () => {
    const booking = await book({ start: '2026-01-08T08:00', attendees: ['Ana', 'Luis'], arrangement: 'consecutive', phone: '+15125550177' });
    expect(booking).toMatchObject({ arrangement: 'consecutive', start: '2026-01-08T08:00:00-06:00', end: '2026-01-08T09:30:00-06:00' });
    expect(booking.appointments.map((a) => [a.attendee, a.resourceId, a.time])).toEqual([
      ['Ana', 'chair-1', '8:00 AM'],
      ['Luis', 'chair-1', '8:45 AM'],
    ]);
  });

  it('cancels once, frees the seats, and cancelling again changes nothing', async () => {
    const booking = await book({ start: '2026-01-09T13:00', seats: 2, phone: '5125550188' });
    // Friday afternoons have two chairs, both taken 1:00–1:45: the first free start is 2:00.
    expect((await slots({ date: '2026-01-09', partOfDay: 'afternoon', seats: 1, limit: 1 })).slots[0]!.time).toBe('2:00 PM');
    const cancelled = await kit.ok<BookingView>('cancel', { bookingId: booking.bookingId, reason: 'schedule_conflict' });
    expect(cancelled).toMatchObject({ bookingId: booking.bookingId, status: 'cancelled' });
    expect((await slots({ date: '2026-01-09', partOfDay: 'afternoon', seats: 2, limit: 1 })).slots[0]!.time).toBe('1:00 PM');
    expect(await kit.ok<BookingView>('cancel', { bookingId: booking.bookingId.toLowerCase() })).toMatchObject({ status: 'cancelled' });
    const ledger = await kit.storage.collection('occupancy').findOne({ _id: 'jefferson-dental@2026-01-09T19:00:00.000Z' });
    expect(ledger).toMatchObject({ used: { 'chair-1': 0, 'chair-2': 0 } });
    await kit.fails('cancel', { bookingId: 'BK-NOSUCH' }, 'CALENDAR_BOOKING_NOT_FOUND');
    await kit.fails('reschedule', { bookingId: booking.bookingId, start: '2026-01-12T09:00' }, 'CALENDAR_BOOKING_CANCELLED');
  });

  it('reschedules, keeping the old time when the new one cannot be booked', async () => {
    const booking = await book({ calendar: 'lakeside-auto', service: 'alignment', start: '2026-01-12T09:00', phone: '303-555-0101', name: 'Dana' });
    expect(booking.appointments[0]!.resource).toBe('Bay 4 (alignment rack)');
    // Someone else takes 10:00 on the only alignment rack.
    await book({ calendar: 'lakeside-auto', service: 'alignment', start: '2026-01-12T10:00', phone: '303-555-0102' });
    await kit.fails('reschedule', { bookingId: booking.bookingId, start: '2026-01-12T10:00' }, 'CALENDAR_SLOT_UNAVAILABLE');
    expect(await kit.ok<BookingView>('getBooking', { bookingId: booking.bookingId })).toMatchObject({ start: '2026-01-12T09:00:00-07:00' });
    // Moving by half an hour overlaps its own old time on the same bay: allowed.
    const moved = await kit.ok<BookingView>('reschedule', { bookingId: booking.bookingId, start: '2026-01-12T08:30' });
    expect(moved).toMatchObject({ status: 'confirmed', start: '2026-01-12T08:30:00-07:00', end: '2026-01-12T09:30:00-07:00' });
    // The rack now holds 8:30–9:30 and 10:00–11:00: one-hour starts fit at 7:30, 11:00 and 11:30 only.
    const rack = await slots({ calendar: 'lakeside-auto', service: 'alignment', date: '2026-01-12', partOfDay: 'morning', limit: 20 });
    expect(rack.slots.map((s) => s.time)).toEqual(['7:30 AM', '11:00 AM', '11:30 AM']);
    // 9:30–10:00 (UTC-7) was given back; 8:30 was claimed.
    const unit = async (utcHour: number, minute: number) => (await kit.storage.collection('occupancy').findOne({ _id: `lakeside-auto@${new Date(Date.UTC(2026, 0, 12, utcHour, minute)).toISOString()}` }))?.used;
    expect(await unit(16, 30)).toEqual({ 'bay-4': 0 });
    expect(await unit(16, 15)).toEqual({ 'bay-4': 1 });
    expect(await unit(15, 30)).toEqual({ 'bay-4': 1 });
    await kit.fails('reschedule', { bookingId: booking.bookingId, start: '2026-01-12T06:00' }, 'CALENDAR_OUTSIDE_HOURS');
  });

  it('acts on a booking by id only for the number it was made with, when a phone is given', async () => {
    const booking = await book({ calendar: 'northwind-home', service: 'drain-cleaning', start: '2026-01-13T09:00', phone: '+14165550123', name: 'John' });
    const mine = { bookingId: booking.bookingId, phone: '(416) 555-0123' };
    const theirs = { bookingId: booking.bookingId, phone: '+16475550188' };
    // Someone else's booking looks exactly like a missing one, and is left alone.
    await kit.fails('getBooking', theirs, 'CALENDAR_BOOKING_NOT_FOUND');
    await kit.fails('reschedule', { ...theirs, start: '2026-01-13T13:00' }, 'CALENDAR_BOOKING_NOT_FOUND');
    await kit.fails('cancel', theirs, 'CALENDAR_BOOKING_NOT_FOUND');
    expect(await kit.ok<BookingView>('getBooking', { bookingId: booking.bookingId })).toMatchObject({ status: 'confirmed', start: '2026-01-13T09:00:00-05:00' });
    // The owner, in any format, can.
    expect(await kit.ok<BookingView>('getBooking', mine)).toMatchObject({ bookingId: booking.bookingId });
    expect(await kit.ok<BookingView>('reschedule', { ...mine, start: '2026-01-13T13:00' })).toMatchObject({ start: '2026-01-13T13:00:00-05:00' });
    expect(await kit.ok<BookingView>('cancel', mine)).toMatchObject({ status: 'cancelled' });
    // Cancelling again as the owner changes nothing; as someone else it is still not found.
    expect(await kit.ok<BookingView>('cancel', mine)).toMatchObject({ status: 'cancelled' });
    await kit.fails('cancel', theirs, 'CALENDAR_BOOKING_NOT_FOUND');
    await kit.fails('cancel', { ...mine, phone: 'not a number' }, 'PHONE_NUMBER_INVALID');
  });

  it('lists a caller\'s upcoming bookings whatever format the number comes in', async () => {
    const mine = await kit.ok<FindBookingsOutput>('findBookings', { phone: 'five one two, five five five, oh one four two' });
    expect(mine.count).toBe(1);
    expect(mine.bookings[0]).toMatchObject({ attendees: ['Tony', 'Paula'], contact: { phone: '+15125550142' } });
    const all = await kit.ok<FindBookingsOutput>('findBookings', { phone: '512.555.0188', includeCancelled: true });
    expect(all.bookings.map((b) => b.status)).toEqual(['cancelled']);
    expect((await kit.ok<FindBookingsOutput>('findBookings', { phone: '512.555.0188' })).count).toBe(0);
    await kit.fails('findBookings', { phone: 'client:web-visitor' }, 'PHONE_NUMBER_INVALID');
    await kit.fails('getBooking', { bookingId: 'BK-ZZZZZZ' }, 'CALENDAR_BOOKING_NOT_FOUND');
  });

  it('lists services and hours', async () => {
    const hvac = await kit.ok<ListServicesOutput>('listServices', { calendar: 'northwind-home', category: 'hvac' });
    expect(hvac.services.map((s) => [s.name, s.price])).toEqual([
      ['HVAC maintenance', 150],
      ['HVAC repair', 200],
      ['HVAC installation', 3500],
      ['Emergency HVAC service', 300],
    ]);
    const hours = await kit.ok<GetHoursOutput>('getHours', {});
    expect(hours).toMatchObject({ calendar: 'jefferson-dental', today: '2026-01-05', openNow: true });
    expect(hours.hours[0]).toEqual({ day: 'Monday', open: '8:00 AM–12:00 PM, 1:00 PM–5:00 PM' });
    expect(hours.hours[6]).toEqual({ day: 'Sunday', open: 'closed' });
    expect(hours.closures[0]).toEqual({ from: '2026-01-19', to: '2026-01-19', reason: 'Martin Luther King Jr. Day' });
  });
});

describe('calendar: concurrent booking never exceeds capacity', () => {
  async function race(n: number, input: Record<string, unknown>) {
    const results = await Promise.all(Array.from({ length: n }, (_, i) => kit.invoke('book', { ...input, phone: `+1512555${String(1000 + i).padStart(4, '0')}` }, { timeoutMs: 60_000 })));
    const ok = results.filter((r) => r.ok);
    const codes = new Set(results.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.error.code)));
    return { ok, codes };
  }

  it('200 attempts on one 3-chair slot → exactly 3 bookings, on 3 different chairs', async () => {
    const { ok, codes } = await race(200, { start: '2026-01-14T08:00', service: 'exam-cleaning' });
    expect(ok).toHaveLength(3);
    expect([...codes]).toEqual(['CALENDAR_SLOT_UNAVAILABLE']);
    const chairs = ok.map((r) => (r.ok ? (r.result as unknown as BookingView).appointments[0]!.resourceId : '')).sort();
    expect(chairs).toEqual(['chair-1', 'chair-2', 'chair-3']);
    const units = await kit.storage.collection('occupancy').find({ calendarId: 'jefferson-dental', start: { $gte: Date.UTC(2026, 0, 14, 14, 0), $lt: Date.UTC(2026, 0, 14, 14, 45) } });
    expect(units.items.map((u) => u.used)).toEqual(Array(3).fill({ 'chair-1': 1, 'chair-2': 1, 'chair-3': 1 }));
    expect(await kit.storage.collection('bookings').count({ start: Date.UTC(2026, 0, 14, 14, 0), status: 'confirmed' })).toBe(3);
  });

  it('200 attempts on the only alignment rack → exactly 1 booking', async () => {
    const { ok, codes } = await race(200, { calendar: 'lakeside-auto', service: 'alignment', start: '2026-01-15T13:00' });
    expect(ok).toHaveLength(1);
    expect([...codes]).toEqual(['CALENDAR_SLOT_UNAVAILABLE']);
  });

  it('200 attempts on a two-seat nurse station → exactly 2 bookings', async () => {
    const { ok } = await race(200, { calendar: 'riverbend-clinic', service: 'vaccination', start: '2026-01-13T10:00' });
    expect(ok).toHaveLength(2);
  });

  it('100 attempts to seat two children together in 3 chairs → exactly 1 booking', async () => {
    const { ok } = await race(100, { start: '2026-01-16T08:00', attendees: ['A', 'B'], arrangement: 'together' });
    expect(ok).toHaveLength(1);
  });
});
