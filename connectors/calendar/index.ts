/**
 * The calendar connector: an embedded appointment book. Calendars (business
 * hours and closures in an IANA time zone, resources with capacity, services
 * with durations) live in the store; slots are searched by date range, part of
 * day, seats and duration; bookings are claimed atomically so a resource is
 * never double-booked. Seed data for the example flows: `seed.ts`.
 */
import { defineConnector, operation } from '../../engine/connectors/define-connector.js';

/** The calendar connector's configuration. */
export interface CalendarConfig {
  defaultCalendar?: string;
  defaultCountry: string;
  maxSearchDays: number;
}

/** An appointment inside a slot or booking, as the model reads it. */
export interface AppointmentView {
  seat: number;
  attendee?: string;
  resource: string;
  resourceId: string;
  start: string;
  end: string;
  time: string;
}

/** An open slot. */
export interface SlotView {
  start: string;
  end: string;
  date: string;
  time: string;
  label: string;
  seats: number;
  arrangement: 'together' | 'consecutive';
  appointments: AppointmentView[];
}

/** A booking as operations return it. */
export interface BookingView {
  bookingId: string;
  status: 'confirmed' | 'cancelled';
  calendar: string;
  calendarName: string;
  location?: string;
  start: string;
  end: string;
  date: string;
  time: string;
  label: string;
  durationMinutes: number;
  seats: number;
  arrangement: 'together' | 'consecutive';
  service: { id: string; name: string } | null;
  attendees: string[];
  appointments: AppointmentView[];
  notes?: string;
  contact: { phone: string; name?: string };
}

export interface FindSlotsInput {
  calendar?: string;
  service?: string;
  durationMinutes?: number;
  date?: string;
  from?: string;
  to?: string;
  partOfDay: 'morning' | 'afternoon' | 'evening' | 'any';
  seats: number;
  arrangement: 'together' | 'consecutive' | 'either';
  resource?: string;
  resourceKind?: string;
  limit: number;
}
export interface FindSlotsOutput {
  calendar: string;
  timeZone: string;
  from: string;
  to: string;
  durationMinutes: number;
  seats: number;
  slots: SlotView[];
  message: string;
}

export interface BookInput {
  calendar?: string;
  start: string;
  service?: string;
  durationMinutes?: number;
  seats?: number;
  arrangement: 'together' | 'consecutive' | 'either';
  attendees?: string[];
  resource?: string;
  resourceKind?: string;
  phone: string;
  name?: string;
  notes?: string;
}
export type BookOutput = BookingView;

export interface CancelInput {
  bookingId: string;
  reason?: string;
  phone?: string;
}
export interface RescheduleInput {
  bookingId: string;
  start: string;
  phone?: string;
}
export interface GetBookingInput {
  bookingId: string;
  phone?: string;
}
export interface FindBookingsInput {
  phone: string;
  calendar?: string;
  includePast: boolean;
  includeCancelled: boolean;
}
export interface FindBookingsOutput {
  bookings: BookingView[];
  count: number;
}
export interface ListServicesInput {
  calendar?: string;
  category?: string;
}
export interface ListServicesOutput {
  calendar: string;
  services: Array<{ id: string; name: string; durationMinutes: number; category?: string; price?: number; description?: string }>;
}
export interface GetHoursInput {
  calendar?: string;
}
export interface GetHoursOutput {
  calendar: string;
  name: string;
  timeZone: string;
  location?: string;
  phone?: string;
  today: string;
  openNow: boolean;
  hours: Array<{ day: string; open: string }>;
  closures: Array<{ from: string; to: string; reason?: string }>;
}

const DATE = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
const calendarField = { type: 'string', minLength: 1, description: 'Calendar id, e.g. `jefferson-dental`. Default: the connector\'s `defaultCalendar`. Usually bound in `with`.' } as const;
const bookingId = { type: 'string', minLength: 1, maxLength: 40, description: 'Booking id, e.g. `BK-7F3K2Q`.' } as const;
/** Ownership check for operations on one booking: bind it to the caller's number so a caller can only touch their own bookings. */
const ownerPhone = {
  type: 'string',
  minLength: 3,
  maxLength: 64,
  description: 'When given, the booking must have been made with this phone number (any format), else it is not found. Bind it to the caller\'s number in `with` so nobody can act on someone else\'s booking by its id.',
} as const;

const appointment = {
  type: 'object',
  required: ['seat', 'resource', 'resourceId', 'start', 'end', 'time'],
  properties: {
    seat: { type: 'integer', description: '0-based seat number.' },
    attendee: { type: 'string', description: 'Who this seat is for, when names were given.' },
    resource: { type: 'string', description: 'Name of the chair, technician or bay.' },
    resourceId: { type: 'string' },
    start: { type: 'string', description: 'ISO 8601 with the calendar\'s offset.' },
    end: { type: 'string' },
    time: { type: 'string', description: 'Local start time, e.g. 9:30 AM.' },
  },
} as const;

const booking = {
  type: 'object',
  required: ['bookingId', 'status', 'calendar', 'calendarName', 'start', 'end', 'date', 'time', 'label', 'durationMinutes', 'seats', 'arrangement', 'service', 'attendees', 'appointments', 'contact'],
  properties: {
    bookingId: { type: 'string', description: 'Booking id to read back to the caller, e.g. BK-7F3K2Q.' },
    status: { enum: ['confirmed', 'cancelled'] },
    calendar: { type: 'string' },
    calendarName: { type: 'string', description: 'Business or location name.' },
    location: { type: 'string', description: 'Address.' },
    start: { type: 'string', description: 'ISO 8601 with the calendar\'s offset.' },
    end: { type: 'string' },
    date: { type: 'string', description: 'Local date, YYYY-MM-DD.' },
    time: { type: 'string', description: 'Local time, e.g. 9:00 AM.' },
    label: { type: 'string', description: 'What to say, e.g. Monday, January 12 at 9:00 AM.' },
    durationMinutes: { type: 'integer' },
    seats: { type: 'integer' },
    arrangement: { enum: ['together', 'consecutive'] },
    service: { type: ['object', 'null'], properties: { id: { type: 'string' }, name: { type: 'string' } } },
    attendees: { type: 'array', items: { type: 'string' } },
    appointments: { type: 'array', items: appointment },
    notes: { type: 'string' },
    contact: { type: 'object', required: ['phone'], properties: { phone: { type: 'string' }, name: { type: 'string' } }, description: 'Who booked (personal data).' },
  },
} as const;

export default defineConnector({
  name: 'calendar',
  version: '1.0.0',
  description: 'Appointment book: business hours, resources (chairs, technicians, bays), multi-seat slots, atomic booking, cancel, reschedule.',
  config: {
    type: 'object',
    properties: {
      defaultCalendar: { type: 'string', description: 'Calendar used when a request names none.', 'x-env': 'PARLEY_CALENDAR_DEFAULT' },
      defaultCountry: { type: 'string', pattern: '^[A-Z]{2}$', default: 'US', description: 'Country of contact phone numbers given without a country code.', 'x-env': 'PARLEY_DEFAULT_COUNTRY' },
      maxSearchDays: { type: 'integer', minimum: 1, maximum: 366, default: 31, description: 'Longest date range one slot search may cover.', 'x-env': 'PARLEY_CALENDAR_MAX_SEARCH_DAYS' },
    },
  },
  operations: {
    findSlots: operation<FindSlotsInput, FindSlotsOutput>({
      description: 'Find open appointment slots. Give a date (or a from/to range), the part of day the caller prefers, how many people need seats, and the service. Offer the caller two or three of the slots returned.',
      idempotent: true,
      input: {
        type: 'object',
        additionalProperties: false,
        properties: {
          calendar: calendarField,
          service: { type: 'string', description: 'Service id from listServices; sets the duration and who can do it.' },
          durationMinutes: { type: 'integer', minimum: 5, maximum: 480, description: 'Length of one appointment, when no service is given.' },
          date: { ...DATE, description: 'One day to search, YYYY-MM-DD (the calendar\'s local date).' },
          from: { ...DATE, description: 'First day to search, YYYY-MM-DD. Default: today.' },
          to: { ...DATE, description: 'Last day to search, YYYY-MM-DD. Default: a week from `from`.' },
          partOfDay: { enum: ['morning', 'afternoon', 'evening', 'any'], default: 'any', description: 'Morning (before noon), afternoon (noon–5 PM), evening (after 5 PM) or any.' },
          seats: { type: 'integer', minimum: 1, maximum: 10, default: 1, description: 'People to seat, e.g. 2 for two children.' },
          arrangement: { enum: ['together', 'consecutive', 'either'], default: 'either', description: 'Several seats at the same time (together), back to back (consecutive), or either (together preferred).' },
          resource: { type: 'string', description: 'A specific resource id (e.g. a technician).' },
          resourceKind: { type: 'string', description: 'Kind of resource (chair, technician, bay) when no service says.' },
          limit: { type: 'integer', minimum: 1, maximum: 20, default: 5, description: 'Most slots to return.' },
        },
      },
      output: {
        type: 'object',
        additionalProperties: false,
        required: ['calendar', 'timeZone', 'from', 'to', 'durationMinutes', 'seats', 'slots', 'message'],
        properties: {
          calendar: { type: 'string' },
          timeZone: { type: 'string' },
          from: DATE,
          to: DATE,
          durationMinutes: { type: 'integer' },
          seats: { type: 'integer' },
          slots: {
            type: 'array',
            items: {
              type: 'object',
              required: ['start', 'end', 'date', 'time', 'label', 'seats', 'arrangement', 'appointments'],
              properties: {
                start: { type: 'string', description: 'ISO 8601 with offset; pass it to `book` as `start`.' },
                end: { type: 'string' },
                date: DATE,
                time: { type: 'string' },
                label: { type: 'string', description: 'What to say, e.g. Monday, January 12 at 9:00 AM.' },
                seats: { type: 'integer' },
                arrangement: { enum: ['together', 'consecutive'] },
                appointments: { type: 'array', items: appointment },
              },
            },
          },
          message: { type: 'string', description: 'A summary for the agent, e.g. when nothing is open.' },
        },
      },
    }),
    book: operation<BookInput, BookOutput>({
      description: 'Book an appointment at a start time returned by findSlots. Only call it after the caller has confirmed the time. Give the names of the people it is for.',
      idempotent: false,
      pii: ['contact'],
      input: {
        type: 'object',
        additionalProperties: false,
        required: ['start', 'phone'],
        properties: {
          calendar: calendarField,
          start: { type: 'string', minLength: 10, description: 'Start as returned by findSlots (ISO 8601 with offset), or local YYYY-MM-DDTHH:mm.' },
          service: { type: 'string', description: 'Service id.' },
          durationMinutes: { type: 'integer', minimum: 5, maximum: 480, description: 'Length of one appointment, when no service is given.' },
          seats: { type: 'integer', minimum: 1, maximum: 10, description: 'People to seat. Default: the number of attendees, or 1.' },
          arrangement: { enum: ['together', 'consecutive', 'either'], default: 'either', description: 'As in findSlots.' },
          attendees: { type: 'array', maxItems: 10, items: { type: 'string', minLength: 1, maxLength: 100 }, description: 'Names of the people the appointment is for, e.g. ["Tony", "Paula"].' },
          resource: { type: 'string', description: 'A specific resource id.' },
          resourceKind: { type: 'string', description: 'Kind of resource, when no service says.' },
          phone: { type: 'string', minLength: 3, maxLength: 64, description: 'Contact phone number (any format; stored as E.164). Usually bound to the caller\'s number.' },
          name: { type: 'string', maxLength: 100, description: 'Contact name.' },
          notes: { type: 'string', maxLength: 1000, description: 'Reason for the visit or anything the business should know.' },
        },
      },
      output: booking,
    }),
    cancel: operation<CancelInput, BookingView>({
      description: 'Cancel a booking by id. Cancelling an already cancelled booking changes nothing.',
      idempotent: true,
      pii: ['contact'],
      input: { type: 'object', additionalProperties: false, required: ['bookingId'], properties: { bookingId, reason: { type: 'string', maxLength: 200, description: 'Why, e.g. schedule_conflict.' }, phone: ownerPhone } },
      output: booking,
    }),
    reschedule: operation<RescheduleInput, BookingView>({
      description: 'Move a booking to a new start time (from findSlots), keeping its seats, service and people. The old time is kept if the new one cannot be booked.',
      idempotent: false,
      pii: ['contact'],
      input: { type: 'object', additionalProperties: false, required: ['bookingId', 'start'], properties: { bookingId, start: { type: 'string', minLength: 10, description: 'New start, as returned by findSlots.' }, phone: ownerPhone } },
      output: booking,
    }),
    getBooking: operation<GetBookingInput, BookingView>({
      description: 'Look a booking up by id.',
      idempotent: true,
      pii: ['contact'],
      input: { type: 'object', additionalProperties: false, required: ['bookingId'], properties: { bookingId, phone: ownerPhone } },
      output: booking,
    }),
    findBookings: operation<FindBookingsInput, FindBookingsOutput>({
      description: 'List the upcoming bookings of a phone number (the caller\'s, usually bound in `with`).',
      idempotent: true,
      input: {
        type: 'object',
        additionalProperties: false,
        required: ['phone'],
        properties: {
          phone: { type: 'string', minLength: 3, maxLength: 64, description: 'Contact phone number, any format.' },
          calendar: { type: 'string', description: 'Only this calendar.' },
          includePast: { type: 'boolean', default: false, description: 'Also past bookings.' },
          includeCancelled: { type: 'boolean', default: false, description: 'Also cancelled bookings.' },
        },
      },
      output: {
        type: 'object',
        additionalProperties: false,
        required: ['bookings', 'count'],
        properties: { bookings: { type: 'array', items: booking }, count: { type: 'integer' } },
      },
    }),
    listServices: operation<ListServicesInput, ListServicesOutput>({
      description: 'List the services offered, with duration and price.',
      idempotent: true,
      input: { type: 'object', additionalProperties: false, properties: { calendar: calendarField, category: { type: 'string', description: 'Only this category, e.g. HVAC.' } } },
      output: {
        type: 'object',
        additionalProperties: false,
        required: ['calendar', 'services'],
        properties: {
          calendar: { type: 'string' },
          services: {
            type: 'array',
            items: {
              type: 'object',
              required: ['id', 'name', 'durationMinutes'],
              properties: { id: { type: 'string' }, name: { type: 'string' }, durationMinutes: { type: 'integer' }, category: { type: 'string' }, price: { type: 'number' }, description: { type: 'string' } },
            },
          },
        },
      },
    }),
    getHours: operation<GetHoursInput, GetHoursOutput>({
      description: 'Business hours, upcoming closures, address, and whether the business is open right now.',
      idempotent: true,
      input: { type: 'object', additionalProperties: false, properties: { calendar: calendarField } },
      output: {
        type: 'object',
        additionalProperties: false,
        required: ['calendar', 'name', 'timeZone', 'today', 'openNow', 'hours', 'closures'],
        properties: {
          calendar: { type: 'string' },
          name: { type: 'string' },
          timeZone: { type: 'string' },
          location: { type: 'string' },
          phone: { type: 'string' },
          today: DATE,
          openNow: { type: 'boolean' },
          hours: { type: 'array', items: { type: 'object', required: ['day', 'open'], properties: { day: { type: 'string' }, open: { type: 'string', description: 'e.g. 8:00 AM–12:00 PM, 1:00 PM–5:00 PM, or closed.' } } } },
          closures: { type: 'array', items: { type: 'object', required: ['from', 'to'], properties: { from: DATE, to: DATE, reason: { type: 'string' } } } },
        },
      },
    }),
  },
  handlers: () => import('./handlers.js'),
});
