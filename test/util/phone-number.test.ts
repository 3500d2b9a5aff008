import { describe, expect, it } from 'vitest';
import { digitsFromText, normalizePhoneNumber } from '../../engine/util/phone-number.js';

describe('normalizePhoneNumber', () => {
  it.each([
    ['+15125550100', '+15125550100'],
    ['(512) 555-0100', '+15125550100'],
    ['512.555.0100', '+15125550100'],
    ['512-555-0100', '+15125550100'],
    ['1-512-555-0100', '+15125550100'],
    ['+1 (512) 555 0100', '+15125550100'],
    ['five one two, five five five, oh one hundred', '+15125550100'],
    ['five one two five five five zero one zero zero', '+15125550100'],
    ['five twelve, five five five, zero one zero zero', '+15125550100'],
    ['five one two double five five oh one oh oh', '+15125550100'],
    ['My number is 512 555 0100.', '+15125550100'],
    ['plus one five one two five five five oh one double oh', '+15125550100'],
    ['011 44 20 7946 0958', '+442079460958'],
  ])('%s → %s (US default)', (text, e164) => {
    expect(normalizePhoneNumber(text)).toEqual({ ok: true, e164 });
  });

  it.each([
    ['020 7946 0958', 'GB', '+442079460958'],
    ['44 20 7946 0958', 'GB', '+442079460958'],
    ['+49 30 901820', 'US', '+4930901820'],
    ['0049 30 901820', 'US', '+4930901820'],
    ['0412 345 678', 'AU', '+61412345678'],
    ['416-555-1234', 'CA', '+14165551234'],
  ])('%s in %s → %s', (text, country, e164) => {
    expect(normalizePhoneNumber(text, country)).toEqual({ ok: true, e164 });
  });

  it.each([
    ['555-0100', 'needs its 3-digit area code'],
    ['911', 'has 10 digits, not 3'],
    ['(012) 555-0100', 'neither starting with 0 or 1'],
    ['512 155 0100', 'neither starting with 0 or 1'],
    ['client:alice', 'is not a phone number'],
    ['sip:front-desk@example.com', 'is not a phone number'],
    ['call me maybe', 'no digits found'],
    ['', 'no number was given'],
    ['+0 555 0100 123', 'cannot start with 0'],
    ['+1234', '8 to 15 digits'],
  ])('refuses %j: %s', (text, reason) => {
    const result = normalizePhoneNumber(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  it('refuses an unknown default country', () => {
    expect(normalizePhoneNumber('512 555 0100', 'XX')).toMatchObject({ ok: false, reason: expect.stringContaining('unknown default country XX') });
  });

  it('reads spoken digits', () => {
    expect(digitsFromText('fifty five, twenty, triple nine, one thousand')).toBe('55209991000');
  });
});
