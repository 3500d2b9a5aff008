import { describe, expect, it } from 'vitest';
import {
  explainBadDate,
  isoWithOffset,
  isValidTimeZone,
  localToInstant,
  offsetMinutes,
  parseDateTime,
  parseLocalDate,
  spokenLabel,
  zonedParts,
} from '../../../connectors/calendar/zoned-time.js';

const CHI = 'America/Chicago';

describe('zoned time with Intl', () => {
  it('reads local fields and offsets on both sides of DST', () => {
    expect(zonedParts(Date.UTC(2026, 0, 5, 15, 0), CHI)).toMatchObject({ year: 2026, month: 1, day: 5, hour: 9, minute: 0, weekday: 1 });
    expect(offsetMinutes(Date.UTC(2026, 0, 5, 15, 0), CHI)).toBe(-360);
    expect(offsetMinutes(Date.UTC(2026, 6, 5, 15, 0), CHI)).toBe(-300);
    expect(offsetMinutes(Date.UTC(2026, 6, 5, 15, 0), 'Asia/Kolkata')).toBe(330);
  });

  it('turns local wall time into instants, across DST changes', () => {
    expect(localToInstant({ year: 2026, month: 1, day: 12 }, 9 * 60, CHI)).toEqual({ ms: Date.UTC(2026, 0, 12, 15, 0), exists: true });
    expect(localToInstant({ year: 2026, month: 7, day: 13 }, 9 * 60, CHI)).toEqual({ ms: Date.UTC(2026, 6, 13, 14, 0), exists: true });
    // 2026-03-08: clocks jump from 2:00 to 3:00 in Chicago.
    expect(localToInstant({ year: 2026, month: 3, day: 8 }, 2 * 60 + 30, CHI).exists).toBe(false);
    expect(localToInstant({ year: 2026, month: 3, day: 8 }, 3 * 60, CHI)).toEqual({ ms: Date.UTC(2026, 2, 8, 8, 0), exists: true });
    // 2026-11-01: 1:30 happens twice; the earlier (CDT) one is returned.
    expect(localToInstant({ year: 2026, month: 11, day: 1 }, 90, CHI)).toEqual({ ms: Date.UTC(2026, 10, 1, 6, 30), exists: true });
  });

  it('formats what the agent says and what machines read', () => {
    expect(spokenLabel(Date.UTC(2026, 0, 12, 15, 0), CHI)).toBe('Monday, January 12 at 9:00 AM');
    expect(spokenLabel(Date.UTC(2026, 0, 12, 19, 30), CHI)).toBe('Monday, January 12 at 1:30 PM');
    expect(isoWithOffset(Date.UTC(2026, 0, 12, 15, 0), CHI)).toBe('2026-01-12T09:00:00-06:00');
    expect(isoWithOffset(Date.UTC(2026, 6, 12, 3, 30), 'Asia/Kolkata')).toBe('2026-07-12T09:00:00+05:30');
  });

  it('refuses impossible dates with a reason', () => {
    expect(parseLocalDate('2026-02-30')).toBeUndefined();
    expect(parseLocalDate('2028-02-29')).toEqual({ year: 2028, month: 2, day: 29 });
    expect(explainBadDate('2026-02-30')).toBe('2026-02-30 is not a date: February 2026 has 28 days');
    expect(explainBadDate('2026-13-01')).toBe('2026-13-01 is not a date: there is no month 13');
    expect(explainBadDate('next tuesday')).toContain('YYYY-MM-DD');
  });

  it('parses date-times: offsets, Z, local, and refuses bad ones', () => {
    expect(parseDateTime('2026-01-12T09:00:00-06:00', CHI)).toEqual({ ok: true, ms: Date.UTC(2026, 0, 12, 15, 0) });
    expect(parseDateTime('2026-01-12T15:00:00Z', CHI)).toEqual({ ok: true, ms: Date.UTC(2026, 0, 12, 15, 0) });
    expect(parseDateTime('2026-01-12T09:00', CHI)).toEqual({ ok: true, ms: Date.UTC(2026, 0, 12, 15, 0) });
    expect(parseDateTime('2026-01-12 09:00', CHI)).toEqual({ ok: true, ms: Date.UTC(2026, 0, 12, 15, 0) });
    expect(parseDateTime('2026-02-30T09:00', CHI)).toEqual({ ok: false, reason: '2026-02-30 is not a date: February 2026 has 28 days' });
    expect(parseDateTime('2026-01-12T25:00', CHI)).toMatchObject({ ok: false, reason: '25:00 is not a time of day' });
    expect(parseDateTime('2026-03-08T02:30', CHI)).toMatchObject({ ok: false, reason: expect.stringContaining('does not exist in America/Chicago') });
    expect(parseDateTime('tomorrow at nine', CHI)).toMatchObject({ ok: false });
  });

  it('knows real zones from made-up ones', () => {
    expect(isValidTimeZone('America/Toronto')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});
