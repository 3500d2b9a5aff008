/**
 * Availability, as pure functions of a calendar, its occupancy and the time:
 * whether a given start can seat a booking (and on which resources), and the
 * open slots in a date range. No I/O: the handlers read occupancy from the
 * ledger, these functions decide, the ledger claims atomically.
 *
 * Seats: `together` puts all seats at the same start on distinct resources (or
 * a resource with spare capacity) — two children in two chairs at once;
 * `consecutive` puts them back to back — one chair, one child after the other;
 * `either` prefers together.
 */
import type { Appointment, CalendarDefinition, PartOfDay, ResourceDefinition, WeeklyHours } from './calendar-model.js';
import { DEFAULT_PARTS_OF_DAY } from './calendar-model.js';
import { type LocalDate, WEEKDAY_KEYS, formatLocalDate, localDateOf, localToInstant, parseClock, weekdayOf, zonedParts } from './zoned-time.js';

const MINUTE = 60_000;

export type Arrangement = 'together' | 'consecutive' | 'either';

/** Seats in use per grid unit (epoch ms of its start) and resource. */
export interface OccupancyView {
  used(unitMs: number, resourceId: string): number;
}

/** Occupancy from ledger documents, optionally without one booking's own appointments (rescheduling). */
export function occupancyFrom(docs: ReadonlyArray<{ start: number; used?: Record<string, number> }>, slotMinutes: number, minus: readonly Appointment[] = []): OccupancyView {
  const map = new Map<number, Record<string, number>>();
  for (const d of docs) map.set(d.start, { ...(d.used ?? {}) });
  for (const a of minus) {
    for (const unit of unitsOf(a.start, a.end, slotMinutes)) {
      const row = map.get(unit);
      if (row && row[a.resourceId]) row[a.resourceId] = row[a.resourceId]! - 1;
    }
  }
  return { used: (unit, resourceId) => map.get(unit)?.[resourceId] ?? 0 };
}

/** Grid units an interval covers. */
export function unitsOf(start: number, end: number, slotMinutes: number): number[] {
  const out: number[] = [];
  for (let t = start; t < end; t += slotMinutes * MINUTE) out.push(t);
  return out;
}

/** Why a start cannot be booked. `hours` problems are the caller's (outside hours); `full` means taken. */
export type PlanFailure = { kind: 'hours' | 'full' | 'notice'; reason: string };

export interface PlanRequest {
  startMs: number;
  durationMinutes: number;
  seats: number;
  arrangement: Arrangement;
  resources: readonly ResourceDefinition[];
  attendees?: readonly string[];
  nowMs: number;
}

const slotOf = (c: CalendarDefinition) => c.slotMinutes ?? 15;

/** Duration rounded up to the booking grid. */
export function gridDuration(calendar: CalendarDefinition, minutes: number): number {
  const slot = slotOf(calendar);
  return Math.ceil(minutes / slot) * slot;
}

function intervalsOf(week: WeeklyHours | undefined, weekday: number): Array<[number, number]> {
  return (week?.[WEEKDAY_KEYS[weekday]!] ?? []).map(([a, b]) => [parseClock(a)!, parseClock(b)!]);
}

/** The closure covering a date, if any. */
export function closureOn(calendar: CalendarDefinition, date: LocalDate): { reason?: string } | undefined {
  const d = formatLocalDate(date);
  return (calendar.closures ?? []).find((c) => ('date' in c ? c.date === d : c.from <= d && d <= c.to));
}

function within(intervals: ReadonlyArray<[number, number]>, from: number, to: number): boolean {
  return intervals.some(([a, b]) => a <= from && to <= b);
}

function fitsHours(resource: ResourceDefinition, weekday: number, from: number, to: number): boolean {
  return !resource.hours || within(intervalsOf(resource.hours, weekday), from, to);
}

/**
 * Decides whether a booking fits at `startMs`: business hours, closures, notice,
 * and free seats on eligible resources for every grid unit. Returns the
 * appointments (seat → resource, start, end) or why not.
 */
export function planAt(calendar: CalendarDefinition, view: OccupancyView, req: PlanRequest): Appointment[] | PlanFailure {
  const tz = calendar.timeZone;
  const slot = slotOf(calendar);
  const duration = gridDuration(calendar, req.durationMinutes);
  const p = zonedParts(req.startMs, tz);
  const date = { year: p.year, month: p.month, day: p.day };
  const closure = closureOn(calendar, date);
  if (closure) return { kind: 'hours', reason: `closed on ${formatLocalDate(date)}${closure.reason ? ` (${closure.reason})` : ''}` };
  if (p.minutes % slot !== 0 || p.second !== 0) return { kind: 'hours', reason: `appointments start on the ${slot}-minute grid (e.g. :00, :${String(slot).padStart(2, '0')})` };
  if (req.startMs < req.nowMs + (calendar.minNoticeMinutes ?? 60) * MINUTE) {
    return { kind: 'notice', reason: `bookings need ${calendar.minNoticeMinutes ?? 60} minutes' notice` };
  }
  const together = req.arrangement !== 'consecutive';
  const spans = [together ? duration : duration * req.seats];
  if (req.arrangement === 'either' && req.seats > 1) spans.push(duration * req.seats);
  const hours = intervalsOf(calendar.hours, p.weekday);
  if (!spans.some((span) => within(hours, p.minutes, p.minutes + span))) {
    return { kind: 'hours', reason: hours.length === 0 ? `closed on ${['Sundays', 'Mondays', 'Tuesdays', 'Wednesdays', 'Thursdays', 'Fridays', 'Saturdays'][p.weekday]}` : 'outside business hours' };
  }

  const free = (resource: ResourceDefinition, from: number, to: number, taken: Map<string, number>) => {
    const localFrom = p.minutes + (from - req.startMs) / MINUTE;
    if (!fitsHours(resource, p.weekday, localFrom, localFrom + (to - from) / MINUTE)) return 0;
    let min = resource.capacity ?? 1;
    for (const unit of unitsOf(from, to, slot)) min = Math.min(min, (resource.capacity ?? 1) - view.used(unit, resource.id) - (taken.get(`${resource.id}@${unit}`) ?? 0));
    return Math.max(0, min);
  };
  const take = (taken: Map<string, number>, resource: ResourceDefinition, from: number, to: number) => {
    for (const unit of unitsOf(from, to, slot)) taken.set(`${resource.id}@${unit}`, (taken.get(`${resource.id}@${unit}`) ?? 0) + 1);
  };
  const attendee = (seat: number) => (req.attendees?.[seat] ? { attendee: req.attendees[seat]! } : {});

  const tryTogether = (): Appointment[] | undefined => {
    if (!within(hours, p.minutes, p.minutes + duration)) return undefined;
    const out: Appointment[] = [];
    const taken = new Map<string, number>();
    const end = req.startMs + duration * MINUTE;
    for (const resource of req.resources) {
      while (out.length < req.seats && free(resource, req.startMs, end, taken) > 0) {
        take(taken, resource, req.startMs, end);
        out.push({ seat: out.length, ...attendee(out.length), resourceId: resource.id, start: req.startMs, end });
      }
      if (out.length === req.seats) return out;
    }
    return undefined;
  };
  const tryConsecutive = (): Appointment[] | undefined => {
    if (!within(hours, p.minutes, p.minutes + duration * req.seats)) return undefined;
    const out: Appointment[] = [];
    const taken = new Map<string, number>();
    for (let seat = 0; seat < req.seats; seat++) {
      const start = req.startMs + seat * duration * MINUTE;
      const end = start + duration * MINUTE;
      // Prefer the resource of the previous seat: one chair, one child after the other.
      const previous = out[seat - 1]?.resourceId;
      const ordered = previous ? [...req.resources].sort((a, b) => Number(b.id === previous) - Number(a.id === previous)) : req.resources;
      const resource = ordered.find((r) => free(r, start, end, taken) > 0);
      if (!resource) return undefined;
      take(taken, resource, start, end);
      out.push({ seat, ...attendee(seat), resourceId: resource.id, start, end });
    }
    return out;
  };

  const plan = req.arrangement === 'consecutive' ? tryConsecutive() : req.arrangement === 'together' || req.seats === 1 ? tryTogether() : (tryTogether() ?? tryConsecutive());
  return plan ?? { kind: 'full', reason: `no room for ${req.seats} ${req.seats === 1 ? 'seat' : 'seats'}${req.seats > 1 ? ` ${req.arrangement === 'either' ? 'together or back to back' : req.arrangement === 'together' ? 'together' : 'back to back'}` : ''}` };
}

export interface SearchRequest extends Omit<PlanRequest, 'startMs'> {
  dates: readonly LocalDate[];
  partOfDay?: PartOfDay | 'any';
  limit: number;
}

/** A bookable start with its plan. */
export interface SlotPlan {
  startMs: number;
  appointments: Appointment[];
}

/** Open slots in `dates`, in time order, at most `limit`. */
export function searchSlots(calendar: CalendarDefinition, view: OccupancyView, req: SearchRequest): SlotPlan[] {
  const tz = calendar.timeZone;
  const step = calendar.stepMinutes ?? 30;
  const window = req.partOfDay && req.partOfDay !== 'any' ? (calendar.partsOfDay?.[req.partOfDay] ?? DEFAULT_PARTS_OF_DAY[req.partOfDay]).map((t) => parseClock(t)!) : [0, 24 * 60];
  const out: SlotPlan[] = [];
  for (const date of req.dates) {
    if (closureOn(calendar, date)) continue;
    for (const [open, close] of intervalsOf(calendar.hours, weekdayOf(date))) {
      for (let minutes = open; minutes < close; minutes += step) {
        if (minutes < window[0]! || minutes >= window[1]!) continue;
        const instant = localToInstant(date, minutes, tz);
        if (!instant.exists) continue;
        const plan = planAt(calendar, view, { ...req, startMs: instant.ms });
        if (Array.isArray(plan)) {
          out.push({ startMs: instant.ms, appointments: plan });
          if (out.length >= req.limit) return out;
        }
      }
    }
  }
  return out;
}

/** The local date of now in the calendar's zone. */
export function todayIn(calendar: CalendarDefinition, nowMs: number): LocalDate {
  return localDateOf(nowMs, calendar.timeZone);
}
