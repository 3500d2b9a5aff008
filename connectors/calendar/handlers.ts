/** The calendar connector's operations. Availability is decided in `availability.ts`, claimed in `occupancy-ledger.ts`. */
import { randomInt } from 'node:crypto';
import { type ConnectorContext, OperationError } from '../../engine/connectors/define-connector.js';
import type { Collection } from '../../engine/store/document-store.js';
import type { ConnectorStorage } from '../../engine/store/namespaced-store.js';
import { normalizePhoneNumber } from '../../engine/util/phone-number.js';
import { type Arrangement, type PlanFailure, closureOn, gridDuration, occupancyFrom, planAt, searchSlots, todayIn } from './availability.js';
import type { Appointment, BookingDoc, CalendarDefinition, ResourceDefinition, ServiceDefinition } from './calendar-model.js';
import { getCalendar } from './calendars.js';
import type {
  AppointmentView,
  BookInput,
  BookingView,
  CalendarConfig,
  CancelInput,
  FindBookingsInput,
  FindBookingsOutput,
  FindSlotsInput,
  FindSlotsOutput,
  GetBookingInput,
  GetHoursInput,
  GetHoursOutput,
  ListServicesInput,
  ListServicesOutput,
  RescheduleInput,
  SlotView,
} from './index.js';
import { claim, claimsOf, diffClaims, readOccupancy, release } from './occupancy-ledger.js';
import {
  type LocalDate,
  WEEKDAY_KEYS,
  WEEKDAY_NAMES,
  addDays,
  compareDates,
  daysBetween,
  explainBadDate,
  formatLocalDate,
  isoWithOffset,
  parseClock,
  parseDateTime,
  parseLocalDate,
  spokenLabel,
  spokenTime,
  zonedParts,
} from './zoned-time.js';

type Ctx = ConnectorContext<CalendarConfig>;
const MINUTE = 60_000;

// ---- lookups -------------------------------------------------------------

async function calendarFor(ctx: Ctx, id: string | undefined): Promise<CalendarDefinition> {
  const calendarId = id ?? ctx.config.defaultCalendar;
  if (!calendarId) throw new OperationError('CALENDAR_NOT_FOUND', 'No calendar was given and the calendar connector has no defaultCalendar (PARLEY_CALENDAR_DEFAULT)');
  const calendar = await getCalendar(ctx.storage, calendarId);
  if (!calendar) throw new OperationError('CALENDAR_NOT_FOUND', `No calendar "${calendarId}"`);
  return calendar;
}

function serviceFor(calendar: CalendarDefinition, id: string | undefined): ServiceDefinition | undefined {
  if (id === undefined) return undefined;
  const service = calendar.services?.find((s) => s.id === id);
  if (!service) throw new OperationError('CALENDAR_SERVICE_NOT_FOUND', `${calendar.name} has no service "${id}" (it has: ${(calendar.services ?? []).map((s) => s.id).join(', ') || 'none'})`);
  return service;
}

/** Resources that may take this booking, in a stable order (the ledger relies on contenders trying them in the same order). */
function eligibleResources(calendar: CalendarDefinition, service: ServiceDefinition | undefined, input: { resource?: string; resourceKind?: string }): ResourceDefinition[] {
  if (input.resource !== undefined) {
    const resource = calendar.resources.find((r) => r.id === input.resource);
    if (!resource) throw new OperationError('CALENDAR_RESOURCE_NOT_FOUND', `${calendar.name} has no resource "${input.resource}"`);
    if (service?.skill && !resource.skills?.includes(service.skill)) throw new OperationError('CALENDAR_RESOURCE_NOT_FOUND', `${resource.name} does not do ${service.name}`);
    return [resource];
  }
  const kind = input.resourceKind ?? service?.resourceKind ?? calendar.resourceKind;
  const resources = calendar.resources.filter((r) => (!kind || r.kind === kind) && (!service?.skill || r.skills?.includes(service.skill)));
  if (resources.length === 0) throw new OperationError('CALENDAR_RESOURCE_NOT_FOUND', `${calendar.name} has no ${kind ?? 'resource'}${service?.skill ? ` that does ${service.name}` : ''}`);
  return resources.sort((a, b) => a.id.localeCompare(b.id));
}

function durationOf(calendar: CalendarDefinition, service: ServiceDefinition | undefined, minutes: number | undefined): number {
  return gridDuration(calendar, minutes ?? service?.durationMinutes ?? calendar.defaultDurationMinutes ?? 30);
}

function phoneOf(ctx: Ctx, text: string): string {
  const parsed = normalizePhoneNumber(text, ctx.config.defaultCountry);
  if (!parsed.ok) throw new OperationError('PHONE_NUMBER_INVALID', `Phone number "${text}": ${parsed.reason}`);
  return parsed.e164;
}

function parseDay(text: string): LocalDate {
  const date = parseLocalDate(text);
  if (!date) throw new OperationError('CALENDAR_INVALID_DATE', explainBadDate(text));
  return date;
}

function parseStart(calendar: CalendarDefinition, text: string, nowMs: number): number {
  const parsed = parseDateTime(text, calendar.timeZone);
  if (!parsed.ok) throw new OperationError('CALENDAR_INVALID_DATE', parsed.reason);
  if (parsed.ms < nowMs) throw new OperationError('CALENDAR_DATE_IN_PAST', `${spokenLabel(parsed.ms, calendar.timeZone)} is in the past (it is now ${spokenLabel(nowMs, calendar.timeZone)} in ${calendar.timeZone})`);
  const ahead = calendar.maxDaysAhead ?? 90;
  if (parsed.ms > nowMs + ahead * 1440 * MINUTE) throw new OperationError('CALENDAR_OUTSIDE_HOURS', `${calendar.name} takes bookings up to ${ahead} days ahead`);
  return parsed.ms;
}

// ---- views ---------------------------------------------------------------

function appointmentView(calendar: CalendarDefinition, a: Appointment): AppointmentView {
  const resource = calendar.resources.find((r) => r.id === a.resourceId);
  return {
    seat: a.seat,
    ...(a.attendee ? { attendee: a.attendee } : {}),
    resource: resource?.name ?? a.resourceId,
    resourceId: a.resourceId,
    start: isoWithOffset(a.start, calendar.timeZone),
    end: isoWithOffset(a.end, calendar.timeZone),
    time: spokenTime(zonedParts(a.start, calendar.timeZone).minutes),
  };
}

function arrangementOf(appointments: readonly Appointment[]): 'together' | 'consecutive' {
  return appointments.every((a) => a.start === appointments[0]!.start) ? 'together' : 'consecutive';
}

function whenFields(calendar: CalendarDefinition, start: number, end: number) {
  const tz = calendar.timeZone;
  const p = zonedParts(start, tz);
  return { start: isoWithOffset(start, tz), end: isoWithOffset(end, tz), date: formatLocalDate(p), time: spokenTime(p.minutes), label: spokenLabel(start, tz) };
}

function slotView(calendar: CalendarDefinition, appointments: Appointment[]): SlotView {
  const start = Math.min(...appointments.map((a) => a.start));
  const end = Math.max(...appointments.map((a) => a.end));
  return { ...whenFields(calendar, start, end), seats: appointments.length, arrangement: arrangementOf(appointments), appointments: appointments.map((a) => appointmentView(calendar, a)) };
}

function bookingView(calendar: CalendarDefinition | undefined, doc: BookingDoc): BookingView {
  const cal: CalendarDefinition = calendar ?? { id: doc.calendarId, name: doc.calendarId, timeZone: 'UTC', hours: {}, resources: [] };
  const service = doc.serviceId ? cal.services?.find((s) => s.id === doc.serviceId) : undefined;
  const first = doc.appointments[0]!;
  return {
    bookingId: doc._id,
    status: doc.status,
    calendar: cal.id,
    calendarName: cal.name,
    ...(cal.location ? { location: cal.location } : {}),
    ...whenFields(cal, doc.start, doc.end),
    durationMinutes: Math.round((first.end - first.start) / MINUTE),
    seats: doc.seats,
    arrangement: doc.arrangement,
    service: doc.serviceId ? { id: doc.serviceId, name: service?.name ?? doc.serviceId } : null,
    attendees: doc.attendees,
    appointments: doc.appointments.map((a) => appointmentView(cal, a)),
    ...(doc.notes ? { notes: doc.notes } : {}),
    contact: doc.contact,
  };
}

// ---- bookings storage ----------------------------------------------------

const indexed = new WeakSet<ConnectorStorage>();
async function bookings(storage: ConnectorStorage): Promise<Collection<BookingDoc>> {
  const col = storage.collection<BookingDoc>('bookings');
  if (!indexed.has(storage)) {
    await col.createIndex({ fields: ['contact.phone', 'start'] });
    indexed.add(storage);
  }
  return col;
}

const ID_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // no 0/O, 1/I: read aloud over the phone
function newBookingId(): string {
  let id = 'BK-';
  for (let i = 0; i < 6; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

async function bookingById(storage: ConnectorStorage, id: string): Promise<BookingDoc> {
  const doc = await (await bookings(storage)).findOne({ _id: id.trim().toUpperCase() });
  if (!doc) throw new OperationError('CALENDAR_BOOKING_NOT_FOUND', `No booking ${id}`);
  return doc;
}

/**
 * A booking by id that, when `phone` is given, was made with that number. Someone
 * else's booking is reported exactly like a missing one, so a caller guessing
 * ids learns nothing.
 */
async function ownedBooking(ctx: Ctx, id: string, phone: string | undefined): Promise<BookingDoc> {
  const owner = phone === undefined ? undefined : phoneOf(ctx, phone);
  const doc = await bookingById(ctx.storage, id);
  if (owner !== undefined && doc.contact.phone !== owner) throw new OperationError('CALENDAR_BOOKING_NOT_FOUND', `No booking ${id}`);
  return doc;
}

// ---- claiming ------------------------------------------------------------

function failure(calendar: CalendarDefinition, startMs: number, f: PlanFailure): OperationError {
  const when = spokenLabel(startMs, calendar.timeZone);
  if (f.kind === 'hours') return new OperationError('CALENDAR_OUTSIDE_HOURS', `${when} cannot be booked at ${calendar.name}: ${f.reason}`);
  return new OperationError('CALENDAR_SLOT_UNAVAILABLE', `${when} cannot be booked: ${f.reason}`);
}

/**
 * Plans against fresh occupancy and claims the difference from `before` (the
 * booking's current appointments when rescheduling). A lost race re-reads and
 * re-plans; every loss means another booking took a seat for good, so the
 * number of tries is bounded by the seats there are.
 */
async function claimPlan(ctx: Ctx, calendar: CalendarDefinition, resources: readonly ResourceDefinition[], startMs: number, spanMinutes: number, plan: (view: ReturnType<typeof occupancyFrom>) => Appointment[] | PlanFailure, before: Appointment[] = []): Promise<{ appointments: Appointment[]; release: () => Promise<void> }> {
  const slot = calendar.slotMinutes ?? 15;
  const capacity = new Map(calendar.resources.map((r) => [r.id, r.capacity ?? 1]));
  const tries = resources.reduce((n, r) => n + (r.capacity ?? 1), 0) + 3;
  for (let attempt = 0; attempt < tries; attempt++) {
    if (ctx.signal.aborted) throw new OperationError('CONNECTOR_CANCELLED', 'booking abandoned: the request was aborted');
    const docs = await readOccupancy(ctx.storage, calendar.id, startMs, startMs + spanMinutes * MINUTE);
    const planned = plan(occupancyFrom(docs, slot, before));
    if (!Array.isArray(planned)) throw failure(calendar, startMs, planned);
    const { add } = diffClaims(claimsOf(planned, slot), claimsOf(before, slot));
    if (await claim(ctx.storage, calendar.id, add, (r) => capacity.get(r) ?? 1)) {
      return { appointments: planned, release: () => release(ctx.storage, calendar.id, add) };
    }
  }
  throw new OperationError('CALENDAR_SLOT_UNAVAILABLE', `${spokenLabel(startMs, calendar.timeZone)} was just taken; search again`);
}

// ---- operations ----------------------------------------------------------

export async function findSlots(input: FindSlotsInput, ctx: Ctx): Promise<FindSlotsOutput> {
  const calendar = await calendarFor(ctx, input.calendar);
  const service = serviceFor(calendar, input.service);
  const resources = eligibleResources(calendar, service, input);
  const duration = durationOf(calendar, service, input.durationMinutes);
  const now = ctx.clock.now();
  const today = todayIn(calendar, now);
  const tz = calendar.timeZone;

  let from: LocalDate;
  let to: LocalDate;
  if (input.date !== undefined) {
    from = to = parseDay(input.date);
    if (compareDates(from, today) < 0) throw new OperationError('CALENDAR_DATE_IN_PAST', `${input.date} is in the past (today is ${formatLocalDate(today)} in ${tz})`);
  } else {
    from = input.from !== undefined ? parseDay(input.from) : today;
    to = input.to !== undefined ? parseDay(input.to) : addDays(from, 6);
    if (compareDates(to, from) < 0) throw new OperationError('CALENDAR_INVALID_RANGE', `the range ends (${formatLocalDate(to)}) before it starts (${formatLocalDate(from)})`);
    if (compareDates(to, today) < 0) throw new OperationError('CALENDAR_DATE_IN_PAST', `${formatLocalDate(from)} to ${formatLocalDate(to)} is in the past (today is ${formatLocalDate(today)} in ${tz})`);
    if (compareDates(from, today) < 0) from = today;
  }
  const days = daysBetween(from, to) + 1;
  if (days > ctx.config.maxSearchDays) throw new OperationError('CALENDAR_INVALID_RANGE', `${days} days is longer than one search may cover (${ctx.config.maxSearchDays}); search a shorter range`);
  const horizon = addDays(today, calendar.maxDaysAhead ?? 90);
  const dates: LocalDate[] = [];
  for (let d = from; compareDates(d, to) <= 0 && compareDates(d, horizon) <= 0; d = addDays(d, 1)) dates.push(d);

  const seats = input.seats;
  const span = duration * seats;
  const windowStart = dates.length ? Date.UTC(dates[0]!.year, dates[0]!.month - 1, dates[0]!.day) - 2 * 1440 * MINUTE : now;
  const windowEnd = dates.length ? Date.UTC(to.year, to.month - 1, to.day) + 2 * 1440 * MINUTE + span * MINUTE : now;
  const docs = dates.length ? await readOccupancy(ctx.storage, calendar.id, windowStart, windowEnd) : [];
  const plans = searchSlots(calendar, occupancyFrom(docs, calendar.slotMinutes ?? 15), {
    dates,
    partOfDay: input.partOfDay,
    durationMinutes: duration,
    seats,
    arrangement: input.arrangement as Arrangement,
    resources,
    nowMs: now,
    limit: input.limit,
  });
  const slots = plans.map((p) => slotView(calendar, p.appointments));
  const range = days === 1 ? formatLocalDate(from) : `${formatLocalDate(from)} to ${formatLocalDate(to)}`;
  const part = input.partOfDay === 'any' ? '' : ` (${input.partOfDay})`;
  let message: string;
  if (slots.length > 0) message = `${slots.length} open ${slots.length === 1 ? 'slot' : 'slots'} for ${seats} ${seats === 1 ? 'person' : 'people'} on ${range}${part}.`;
  else if (days === 1 && closureOn(calendar, from)) message = `${calendar.name} is closed on ${formatLocalDate(from)}${closureOn(calendar, from)!.reason ? ` (${closureOn(calendar, from)!.reason})` : ''}. Offer another day.`;
  else if (dates.length === 0) message = `${calendar.name} takes bookings up to ${calendar.maxDaysAhead ?? 90} days ahead. Offer an earlier date.`;
  else message = `Nothing open for ${seats} ${seats === 1 ? 'person' : 'people'} on ${range}${part}. Offer another day or time of day.`;
  return { calendar: calendar.id, timeZone: tz, from: formatLocalDate(from), to: formatLocalDate(to), durationMinutes: duration, seats, slots, message };
}

export async function book(input: BookInput, ctx: Ctx): Promise<BookingView> {
  const calendar = await calendarFor(ctx, input.calendar);
  const service = serviceFor(calendar, input.service);
  const resources = eligibleResources(calendar, service, input);
  const duration = durationOf(calendar, service, input.durationMinutes);
  const now = ctx.clock.now();
  const startMs = parseStart(calendar, input.start, now);
  const attendees = input.attendees ?? [];
  const seats = input.seats ?? Math.max(1, attendees.length);
  if (attendees.length > seats) throw new OperationError('CONNECTOR_INPUT_INVALID', `${attendees.length} attendees need at least ${attendees.length} seats, not ${seats}`);
  const phone = phoneOf(ctx, input.phone);

  const { appointments, release: giveBack } = await claimPlan(ctx, calendar, resources, startMs, duration * seats, (view) =>
    planAt(calendar, view, { startMs, durationMinutes: duration, seats, arrangement: input.arrangement as Arrangement, resources, attendees, nowMs: now }),
  );
  const at = new Date(now).toISOString();
  const col = await bookings(ctx.storage);
  try {
    if (ctx.signal.aborted) throw new OperationError('CONNECTOR_CANCELLED', 'booking abandoned: the request was aborted');
    for (;;) {
      const doc: BookingDoc = {
        _id: newBookingId(),
        calendarId: calendar.id,
        status: 'confirmed',
        start: Math.min(...appointments.map((a) => a.start)),
        end: Math.max(...appointments.map((a) => a.end)),
        seats,
        arrangement: arrangementOf(appointments),
        appointments,
        attendees,
        serviceId: service?.id ?? null,
        contact: { phone, ...(input.name ? { name: input.name } : {}) },
        ...(input.notes ? { notes: input.notes } : {}),
        ...(ctx.call ? { callId: ctx.call.id, ...(ctx.call.flowId ? { flowId: ctx.call.flowId } : {}) } : {}),
        createdAt: at,
        updatedAt: at,
      };
      try {
        await col.insertOne(doc);
        ctx.log.info('booking.created', { bookingId: doc._id, calendar: calendar.id, seats });
        return bookingView(calendar, doc);
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'STORE_DUPLICATE_KEY') throw error; // id collision: draw another
      }
    }
  } catch (error) {
    await giveBack();
    throw error;
  }
}

export async function cancel(input: CancelInput, ctx: Ctx): Promise<BookingView> {
  const col = await bookings(ctx.storage);
  const id = input.bookingId.trim().toUpperCase();
  const owner = input.phone === undefined ? {} : { 'contact.phone': phoneOf(ctx, input.phone) };
  const at = new Date(ctx.clock.now()).toISOString();
  // Only the one update that flips confirmed → cancelled gives the seats back, however many cancels race.
  const before = await col.findOneAndUpdate({ _id: id, status: 'confirmed', ...owner }, { $set: { status: 'cancelled', cancelledAt: at, updatedAt: at, ...(input.reason ? { cancelReason: input.reason } : {}) } }, { returnDocument: 'before' });
  if (!before) {
    const existing = await ownedBooking(ctx, id, input.phone); // not found, or someone else's → CALENDAR_BOOKING_NOT_FOUND
    return bookingView(await getCalendar(ctx.storage, existing.calendarId), existing);
  }
  const calendar = await getCalendar(ctx.storage, before.calendarId);
  await release(ctx.storage, before.calendarId, claimsOf(before.appointments, calendar?.slotMinutes ?? 15));
  ctx.log.info('booking.cancelled', { bookingId: id, calendar: before.calendarId });
  return bookingView(calendar, { ...before, status: 'cancelled', cancelledAt: at, updatedAt: at });
}

export async function reschedule(input: RescheduleInput, ctx: Ctx): Promise<BookingView> {
  const existing = await ownedBooking(ctx, input.bookingId, input.phone);
  if (existing.status !== 'confirmed') throw new OperationError('CALENDAR_BOOKING_CANCELLED', `Booking ${existing._id} was cancelled; book a new appointment instead`);
  const calendar = await calendarFor(ctx, existing.calendarId);
  const now = ctx.clock.now();
  const startMs = parseStart(calendar, input.start, now);
  const first = existing.appointments[0]!;
  const duration = Math.round((first.end - first.start) / MINUTE);
  const used = new Set(existing.appointments.map((a) => a.resourceId));
  // Same kind of resources as before, the ones it had first (a patient keeps their chair when they can).
  const kinds = new Set(calendar.resources.filter((r) => used.has(r.id)).map((r) => r.kind));
  const service = existing.serviceId ? calendar.services?.find((s) => s.id === existing.serviceId) : undefined;
  const resources = calendar.resources
    .filter((r) => kinds.has(r.kind) && (!service?.skill || r.skills?.includes(service.skill)))
    .sort((a, b) => Number(used.has(b.id)) - Number(used.has(a.id)) || a.id.localeCompare(b.id));
  const slot = calendar.slotMinutes ?? 15;

  const { appointments, release: giveBack } = await claimPlan(
    ctx,
    calendar,
    resources,
    startMs,
    duration * existing.seats,
    (view) => planAt(calendar, view, { startMs, durationMinutes: duration, seats: existing.seats, arrangement: existing.arrangement, resources, attendees: existing.attendees, nowMs: now }),
    existing.appointments,
  );
  const at = new Date(now).toISOString();
  const col = await bookings(ctx.storage);
  const start = Math.min(...appointments.map((a) => a.start));
  const end = Math.max(...appointments.map((a) => a.end));
  // Switch only if nobody changed the booking meanwhile; otherwise undo our claim.
  const switched = await col.findOneAndUpdate({ _id: existing._id, status: 'confirmed', start: existing.start, updatedAt: existing.updatedAt }, { $set: { start, end, appointments, updatedAt: at } });
  if (!switched) {
    await giveBack();
    throw new OperationError('CALENDAR_SLOT_UNAVAILABLE', `Booking ${existing._id} changed while it was being moved; look it up again`);
  }
  const { remove } = diffClaims(claimsOf(appointments, slot), claimsOf(existing.appointments, slot));
  await release(ctx.storage, calendar.id, remove);
  ctx.log.info('booking.rescheduled', { bookingId: existing._id, calendar: calendar.id });
  return bookingView(calendar, switched);
}

export async function getBooking(input: GetBookingInput, ctx: Ctx): Promise<BookingView> {
  const doc = await ownedBooking(ctx, input.bookingId, input.phone);
  return bookingView(await getCalendar(ctx.storage, doc.calendarId), doc);
}

export async function findBookings(input: FindBookingsInput, ctx: Ctx): Promise<FindBookingsOutput> {
  const phone = phoneOf(ctx, input.phone);
  const col = await bookings(ctx.storage);
  const filter: Record<string, unknown> = { 'contact.phone': phone };
  if (!input.includePast) filter.end = { $gt: ctx.clock.now() };
  if (!input.includeCancelled) filter.status = 'confirmed';
  if (input.calendar) filter.calendarId = input.calendar;
  const page = await col.find(filter, { sort: { start: 1 }, limit: 50 });
  const cache = new Map<string, CalendarDefinition | undefined>();
  const views: BookingView[] = [];
  for (const doc of page.items) {
    if (!cache.has(doc.calendarId)) cache.set(doc.calendarId, await getCalendar(ctx.storage, doc.calendarId));
    views.push(bookingView(cache.get(doc.calendarId), doc));
  }
  return { bookings: views, count: views.length };
}

export async function listServices(input: ListServicesInput, ctx: Ctx): Promise<ListServicesOutput> {
  const calendar = await calendarFor(ctx, input.calendar);
  const wanted = input.category?.toLowerCase();
  const services = (calendar.services ?? [])
    .filter((s) => !wanted || s.category?.toLowerCase() === wanted)
    .map((s) => ({ id: s.id, name: s.name, durationMinutes: s.durationMinutes, ...(s.category ? { category: s.category } : {}), ...(s.price !== undefined ? { price: s.price } : {}), ...(s.description ? { description: s.description } : {}) }));
  return { calendar: calendar.id, services };
}

export async function getHours(input: GetHoursInput, ctx: Ctx): Promise<GetHoursOutput> {
  const calendar = await calendarFor(ctx, input.calendar);
  const now = ctx.clock.now();
  const p = zonedParts(now, calendar.timeZone);
  const today = { year: p.year, month: p.month, day: p.day };
  const intervals = (day: number) => (calendar.hours[WEEKDAY_KEYS[day]!] ?? []).map(([a, b]) => [parseClock(a)!, parseClock(b)!] as const);
  const hours = [1, 2, 3, 4, 5, 6, 0].map((day) => {
    const list = intervals(day);
    return { day: WEEKDAY_NAMES[day]!, open: list.length ? list.map(([a, b]) => `${spokenTime(a)}–${spokenTime(b)}`).join(', ') : 'closed' };
  });
  const openNow = !closureOn(calendar, today) && intervals(p.weekday).some(([a, b]) => a <= p.minutes && p.minutes < b);
  const todayText = formatLocalDate(today);
  const closures = (calendar.closures ?? [])
    .map((c) => ('date' in c ? { from: c.date, to: c.date, ...(c.reason ? { reason: c.reason } : {}) } : { from: c.from, to: c.to, ...(c.reason ? { reason: c.reason } : {}) }))
    .filter((c) => c.to >= todayText)
    .sort((a, b) => a.from.localeCompare(b.from))
    .slice(0, 10);
  return {
    calendar: calendar.id,
    name: calendar.name,
    timeZone: calendar.timeZone,
    ...(calendar.location ? { location: calendar.location } : {}),
    ...(calendar.phone ? { phone: calendar.phone } : {}),
    today: todayText,
    openNow,
    hours,
    closures,
  };
}
