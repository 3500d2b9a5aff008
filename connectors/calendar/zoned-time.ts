/**
 * Wall-clock time in an IANA time zone, with nothing but `Intl.DateTimeFormat`:
 * local date and time ↔ instant, offsets, DST gaps, and the labels the agent
 * reads out ("Monday, January 12 at 9:00 AM"). Instants are epoch milliseconds.
 */

/** A calendar date without a zone. `month` is 1–12. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** The local fields of an instant in a zone. `weekday` is 0 (Sunday) – 6. `minutes` is minutes since local midnight. */
export interface ZonedParts extends LocalDate {
  hour: number;
  minute: number;
  second: number;
  weekday: number;
  minutes: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
export const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
export const WEEKDAY_KEYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', weekday: 'short' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when `timeZone` is an IANA zone this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The local fields of `ms` in `timeZone`. */
export function zonedParts(ms: number, timeZone: string): ZonedParts {
  const out: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) out[p.type] = p.value;
  const hour = Number(out.hour) % 24;
  const minute = Number(out.minute);
  return {
    year: Number(out.year),
    month: Number(out.month),
    day: Number(out.day),
    hour,
    minute,
    second: Number(out.second),
    weekday: WEEKDAYS.indexOf(out.weekday!),
    minutes: hour * 60 + minute,
  };
}

/** Offset of `timeZone` from UTC at `ms`, in minutes (e.g. -360 for Chicago in winter). */
export function offsetMinutes(ms: number, timeZone: string): number {
  const p = zonedParts(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / MINUTE);
}

/**
 * The instant of a local date and time (minutes since midnight) in a zone.
 * `exists` is false in a DST gap (e.g. 2:30 AM on the night clocks spring
 * forward); then `ms` is the instant the clock jumps to. In a repeated hour the
 * earlier instant is returned.
 */
export function localToInstant(date: LocalDate, minutes: number, timeZone: string): { ms: number; exists: boolean } {
  const wall = Date.UTC(date.year, date.month - 1, date.day) + minutes * MINUTE;
  // Two rounds settle the offset on both sides of a transition; try the earlier offset first.
  const candidates = [wall - offsetMinutes(wall - DAY / 2, timeZone) * MINUTE, wall - offsetMinutes(wall + DAY / 2, timeZone) * MINUTE];
  for (const ms of candidates.sort((a, b) => a - b)) {
    const p = zonedParts(ms, timeZone);
    if (Date.UTC(p.year, p.month - 1, p.day) + p.minutes * MINUTE === wall) return { ms, exists: true };
  }
  const ms = wall - offsetMinutes(wall, timeZone) * MINUTE;
  return { ms, exists: false };
}

/** Parses `YYYY-MM-DD`; undefined when it is not a real date (February 30). */
export function parseLocalDate(text: string): LocalDate | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return undefined;
  return { year, month, day };
}

/** Why `YYYY-MM-DD` text is not a date, in words for the caller. */
export function explainBadDate(text: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return `"${text}" is not a date written as YYYY-MM-DD`;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12) return `${text} is not a date: there is no month ${month}`;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${text} is not a date: ${MONTH_NAMES[month - 1]} ${year} has ${days} days`;
}

export function formatLocalDate(d: LocalDate): string {
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

export function addDays(d: LocalDate, days: number): LocalDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day) + days * DAY);
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** Whole days from `a` to `b` (negative when `b` is earlier). */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / DAY);
}

export function compareDates(a: LocalDate, b: LocalDate): number {
  return daysBetween(b, a);
}

/** 0 (Sunday) – 6. */
export function weekdayOf(d: LocalDate): number {
  return new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
}

/** The local date of an instant. */
export function localDateOf(ms: number, timeZone: string): LocalDate {
  const p = zonedParts(ms, timeZone);
  return { year: p.year, month: p.month, day: p.day };
}

/** `HH:mm` → minutes since midnight (`24:00` allowed as end of day); undefined when malformed. */
export function parseClock(text: string): number | undefined {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (!m) return undefined;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return minutes <= 24 * 60 ? minutes : undefined;
}

/** Minutes since midnight as `9:00 AM`. */
export function spokenTime(minutes: number): string {
  const h24 = Math.floor(minutes / 60) % 24;
  const m = minutes % 60;
  const suffix = h24 < 12 ? 'AM' : 'PM';
  const h12 = h24 % 12 === 0 ? 12 : h24 % 12;
  return `${h12}:${String(m).padStart(2, '0')} ${suffix}`;
}

/** `Monday, January 12 at 9:00 AM` in the zone. */
export function spokenLabel(ms: number, timeZone: string): string {
  const p = zonedParts(ms, timeZone);
  return `${WEEKDAY_NAMES[p.weekday]}, ${MONTH_NAMES[p.month - 1]} ${p.day} at ${spokenTime(p.minutes)}`;
}

/** ISO 8601 with the zone's offset, e.g. `2026-01-12T09:00:00-06:00`. */
export function isoWithOffset(ms: number, timeZone: string): string {
  const p = zonedParts(ms, timeZone);
  const off = offsetMinutes(ms, timeZone);
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${formatLocalDate(p)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export type DateTimeParse = { ok: true; ms: number } | { ok: false; reason: string };

/**
 * Parses a date-time: ISO 8601 with `Z` or an offset (an instant), or local
 * `YYYY-MM-DDTHH:mm[:ss]` / `YYYY-MM-DD HH:mm` read in `timeZone`. Refuses
 * impossible dates and times, and local times skipped by a DST change.
 */
export function parseDateTime(text: string, timeZone: string): DateTimeParse {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(text.trim());
  if (!m) return { ok: false, reason: `"${text}" is not a date and time (use ISO 8601, e.g. 2026-01-12T09:00 or 2026-01-12T09:00:00-06:00)` };
  const date = parseLocalDate(m[1]!);
  if (!date) return { ok: false, reason: explainBadDate(m[1]!) };
  const hour = Number(m[2]);
  const minute = Number(m[3]);
  const second = Number(m[4] ?? 0);
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, reason: `${m[2]}:${m[3]} is not a time of day` };
  const zone = m[5];
  if (zone) {
    let offset = 0;
    if (zone.toUpperCase() !== 'Z') {
      const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
      offset = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3]));
      if (Math.abs(offset) > 14 * 60) return { ok: false, reason: `${zone} is not a UTC offset` };
    }
    return { ok: true, ms: Date.UTC(date.year, date.month - 1, date.day, hour, minute, second) - offset * MINUTE };
  }
  const local = localToInstant(date, hour * 60 + minute, timeZone);
  if (!local.exists) return { ok: false, reason: `${m[1]} ${m[2]}:${m[3]} does not exist in ${timeZone}: the clocks change that night` };
  return { ok: true, ms: local.ms + second * 1000 };
}
