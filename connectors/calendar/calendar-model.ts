/**
 * What a calendar is: business hours and closures in an IANA time zone, the
 * resources that can be booked (dental chairs, technicians, service bays) with
 * their capacity, and the services offered with their durations. Calendars
 * are data — seeded from JSON or written through `saveCalendar` — checked by
 * `checkCalendarDefinition` before they are stored.
 */
import { OperationError } from '../../engine/connectors/define-connector.js';
import { createSchemaCompiler, describeSchemaErrors } from '../../engine/connectors/schema-compiler.js';
import { WEEKDAY_KEYS, isValidTimeZone, parseClock, parseLocalDate } from './zoned-time.js';

/** `mon` … `sun`. */
export type WeekdayKey = (typeof WEEKDAY_KEYS)[number];

/** Opening intervals per weekday, local `HH:mm` pairs: `{ mon: [["08:00","12:00"],["13:00","17:00"]] }`. A missing day is closed. */
export type WeeklyHours = Partial<Record<WeekdayKey, Array<[string, string]>>>;

/** A day or range of days the business is closed. */
export type Closure = { date: string; reason?: string } | { from: string; to: string; reason?: string };

/** Something booked for the length of an appointment: a chair, a technician, a bay. */
export interface ResourceDefinition {
  /** Stable id: a lowercase letter, then lowercase letters, digits, `-` and `_`. */
  id: string;
  /** How the agent names it: `Chair 2`, `James Miller`. */
  name: string;
  /** What kind it is (`chair`, `technician`, `bay`); services ask for a kind. */
  kind: string;
  /** Appointments it can hold at once. Default 1. */
  capacity?: number;
  /** Services it can do (ids); when a service lists `skill`, only resources with it qualify. */
  skills?: string[];
  /** Its own working hours, inside the calendar's (a technician who works Tuesday to Saturday). */
  hours?: WeeklyHours;
}

/** Something the business offers, with how long it takes. */
export interface ServiceDefinition {
  id: string;
  name: string;
  durationMinutes: number;
  description?: string;
  category?: string;
  /** Price in the business's currency, for the agent to quote. */
  price?: number;
  /** Resource kind it needs; default: the calendar's `resourceKind`. */
  resourceKind?: string;
  /** Skill a resource must list to do it. */
  skill?: string;
}

/** A bookable calendar. */
export interface CalendarDefinition {
  id: string;
  name: string;
  /** IANA zone, e.g. `America/Chicago`. All hours and dates are local to it. */
  timeZone: string;
  location?: string;
  phone?: string;
  hours: WeeklyHours;
  closures?: Closure[];
  /** Booking grid in minutes: appointments start and end on it. Default 15. */
  slotMinutes?: number;
  /** Spacing of offered start times. Default 30. */
  stepMinutes?: number;
  /** Appointments need at least this much notice. Default 60. */
  minNoticeMinutes?: number;
  /** How far ahead bookings are taken. Default 90. */
  maxDaysAhead?: number;
  /** Duration when neither the request nor a service gives one. Default 30. */
  defaultDurationMinutes?: number;
  /** Resource kind booked when a service names none. */
  resourceKind?: string;
  /** Local windows of `morning`, `afternoon`, `evening`. Defaults 06:00–12:00, 12:00–17:00, 17:00–22:00. */
  partsOfDay?: Partial<Record<PartOfDay, [string, string]>>;
  resources: ResourceDefinition[];
  services?: ServiceDefinition[];
}

export type PartOfDay = 'morning' | 'afternoon' | 'evening';
export const DEFAULT_PARTS_OF_DAY: Record<PartOfDay, [string, string]> = { morning: ['06:00', '12:00'], afternoon: ['12:00', '17:00'], evening: ['17:00', '22:00'] };

/** One seat of a booking: who, where, when. */
export interface Appointment {
  seat: number;
  attendee?: string;
  resourceId: string;
  /** Epoch ms. */
  start: number;
  end: number;
}

/** A booking as stored. */
export interface BookingDoc {
  _id: string;
  calendarId: string;
  status: 'confirmed' | 'cancelled';
  start: number;
  end: number;
  seats: number;
  arrangement: 'together' | 'consecutive';
  appointments: Appointment[];
  attendees: string[];
  serviceId: string | null;
  contact: { phone: string; name?: string };
  notes?: string;
  callId?: string;
  flowId?: string;
  createdAt: string;
  updatedAt: string;
  cancelledAt?: string;
  cancelReason?: string;
  [field: string]: unknown;
}

const HHMM = { type: 'string', pattern: '^([01][0-9]|2[0-4]):[0-5][0-9]$' };
const INTERVALS = { type: 'array', items: { type: 'array', prefixItems: [HHMM, HHMM], minItems: 2, maxItems: 2 } };
const WEEK = { type: 'object', additionalProperties: false, properties: Object.fromEntries(WEEKDAY_KEYS.map((k) => [k, INTERVALS])) };
const ID = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$', maxLength: 64 };
/** Resource ids become field names in the occupancy ledger, which must start with a letter. */
const RESOURCE_ID = { type: 'string', pattern: '^[a-z][a-z0-9_-]*$', maxLength: 64 };
const DATE = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' };

/** JSON Schema of a calendar definition (seed files and `saveCalendar`). */
export const CALENDAR_DEFINITION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'timeZone', 'hours', 'resources'],
  properties: {
    id: ID,
    name: { type: 'string', minLength: 1 },
    timeZone: { type: 'string', minLength: 1 },
    location: { type: 'string' },
    phone: { type: 'string' },
    hours: WEEK,
    closures: {
      type: 'array',
      items: {
        oneOf: [
          { type: 'object', additionalProperties: false, required: ['date'], properties: { date: DATE, reason: { type: 'string' } } },
          { type: 'object', additionalProperties: false, required: ['from', 'to'], properties: { from: DATE, to: DATE, reason: { type: 'string' } } },
        ],
      },
    },
    slotMinutes: { type: 'integer', minimum: 5, maximum: 120 },
    stepMinutes: { type: 'integer', minimum: 5, maximum: 240 },
    minNoticeMinutes: { type: 'integer', minimum: 0 },
    maxDaysAhead: { type: 'integer', minimum: 1, maximum: 730 },
    defaultDurationMinutes: { type: 'integer', minimum: 5, maximum: 1440 },
    resourceKind: { type: 'string', minLength: 1 },
    partsOfDay: { type: 'object', additionalProperties: false, properties: { morning: { type: 'array', prefixItems: [HHMM, HHMM], minItems: 2, maxItems: 2 }, afternoon: { type: 'array', prefixItems: [HHMM, HHMM], minItems: 2, maxItems: 2 }, evening: { type: 'array', prefixItems: [HHMM, HHMM], minItems: 2, maxItems: 2 } } },
    resources: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'name', 'kind'],
        properties: { id: RESOURCE_ID, name: { type: 'string', minLength: 1 }, kind: { type: 'string', minLength: 1 }, capacity: { type: 'integer', minimum: 1, maximum: 100 }, skills: { type: 'array', items: { type: 'string' } }, hours: WEEK },
      },
    },
    services: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'name', 'durationMinutes'],
        properties: {
          id: ID,
          name: { type: 'string', minLength: 1 },
          durationMinutes: { type: 'integer', minimum: 5, maximum: 1440 },
          description: { type: 'string' },
          category: { type: 'string' },
          price: { type: 'number', minimum: 0 },
          resourceKind: { type: 'string', minLength: 1 },
          skill: { type: 'string', minLength: 1 },
        },
      },
    },
  },
} as const;

const validateDefinition = createSchemaCompiler('output').compile(CALENDAR_DEFINITION_SCHEMA);

function seedError(id: string, message: string): OperationError {
  return new OperationError('CALENDAR_SEED_INVALID', `Calendar "${id}": ${message}`);
}

function checkWeek(id: string, where: string, week: WeeklyHours | undefined, slot: number): void {
  for (const [day, intervals] of Object.entries(week ?? {})) {
    for (const [open, close] of intervals ?? []) {
      const a = parseClock(open);
      const b = parseClock(close);
      if (a === undefined || b === undefined || a >= b) throw seedError(id, `${where}.${day}: ${open}–${close} is not an opening interval (HH:mm, opening before closing)`);
      if (a % slot !== 0 || b % slot !== 0) throw seedError(id, `${where}.${day}: ${open}–${close} is not on the ${slot}-minute booking grid`);
    }
  }
}

/** Checks a calendar definition; throws `CALENDAR_SEED_INVALID` naming the field. */
export function checkCalendarDefinition(definition: unknown): CalendarDefinition {
  const id = String((definition as { id?: unknown } | null)?.id ?? '(no id)');
  if (!validateDefinition(definition)) throw seedError(id, describeSchemaErrors(validateDefinition.errors, 'calendar').join('; '));
  const def = definition as unknown as CalendarDefinition;
  if (!isValidTimeZone(def.timeZone)) throw seedError(id, `timeZone "${def.timeZone}" is not an IANA time zone (e.g. America/Chicago)`);
  const slot = def.slotMinutes ?? 15;
  const step = def.stepMinutes ?? 30;
  if (step % slot !== 0) throw seedError(id, `stepMinutes ${step} is not a multiple of slotMinutes ${slot}`);
  checkWeek(id, 'hours', def.hours, slot);
  for (const [part, window] of Object.entries(def.partsOfDay ?? {})) {
    const [a, b] = window.map(parseClock);
    if (a === undefined || b === undefined || a >= b) throw seedError(id, `partsOfDay.${part}: ${window.join('–')} is not a window`);
  }
  for (const closure of def.closures ?? []) {
    const dates = 'date' in closure ? [closure.date] : [closure.from, closure.to];
    for (const d of dates) if (!parseLocalDate(d)) throw seedError(id, `closures: ${d} is not a date`);
    if ('from' in closure && closure.from > closure.to) throw seedError(id, `closures: ${closure.from} to ${closure.to} ends before it starts`);
  }
  const resourceIds = new Set<string>();
  for (const r of def.resources) {
    if (resourceIds.has(r.id)) throw seedError(id, `resources: id "${r.id}" is used twice`);
    resourceIds.add(r.id);
    checkWeek(id, `resources.${r.id}.hours`, r.hours, slot);
  }
  const serviceIds = new Set<string>();
  for (const s of def.services ?? []) {
    if (serviceIds.has(s.id)) throw seedError(id, `services: id "${s.id}" is used twice`);
    serviceIds.add(s.id);
    const kind = s.resourceKind ?? def.resourceKind;
    if (kind && !def.resources.some((r) => r.kind === kind && (!s.skill || r.skills?.includes(s.skill)))) {
      throw seedError(id, `services.${s.id}: no resource of kind "${kind}"${s.skill ? ` with skill "${s.skill}"` : ''} can do it`);
    }
  }
  return def;
}
