/**
 * Phone numbers to E.164, from what Twilio sends (`+15125550100`), what people
 * type (`(512) 555-0100`, `512.555.0100`, `1-512-555-0100`) and what callers say
 * and the model writes down (`five one two, five five five, oh one hundred`,
 * `double five`). Numbers without a country code take the default country's.
 *
 * Deliberately small: a few countries' national rules, no carrier metadata. It
 * refuses what it cannot read rather than guessing a wrong number.
 */

/** National numbering rules of one country. */
interface CountryRule {
  /** Country calling code, e.g. `44`. */
  code: string;
  /** Trunk prefix dialled before national numbers, stripped in E.164 (`0` in the UK). */
  trunk: string;
  /** Lengths of the national significant number (without trunk prefix). */
  lengths: readonly number[];
}

/** Countries whose national formats are understood. Add rows as needed. */
export const COUNTRY_RULES: Readonly<Record<string, CountryRule>> = {
  US: { code: '1', trunk: '', lengths: [10] },
  CA: { code: '1', trunk: '', lengths: [10] },
  GB: { code: '44', trunk: '0', lengths: [9, 10] },
  IE: { code: '353', trunk: '0', lengths: [7, 8, 9] },
  AU: { code: '61', trunk: '0', lengths: [9] },
  NZ: { code: '64', trunk: '0', lengths: [8, 9, 10] },
  DE: { code: '49', trunk: '0', lengths: [6, 7, 8, 9, 10, 11] },
  FR: { code: '33', trunk: '0', lengths: [9] },
  NL: { code: '31', trunk: '0', lengths: [9] },
  ES: { code: '34', trunk: '', lengths: [9] },
  IT: { code: '39', trunk: '', lengths: [6, 7, 8, 9, 10, 11] },
  MX: { code: '52', trunk: '', lengths: [10] },
  BR: { code: '55', trunk: '0', lengths: [10, 11] },
  IN: { code: '91', trunk: '0', lengths: [10] },
};

export type PhoneParse = { ok: true; e164: string } | { ok: false; reason: string };

const UNITS: Record<string, string> = { zero: '0', oh: '0', o: '0', nought: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9' };
const TEENS: Record<string, string> = { ten: '10', eleven: '11', twelve: '12', thirteen: '13', fourteen: '14', fifteen: '15', sixteen: '16', seventeen: '17', eighteen: '18', nineteen: '19' };
const TENS: Record<string, string> = { twenty: '2', thirty: '3', forty: '4', fifty: '5', sixty: '6', seventy: '7', eighty: '8', ninety: '9' };
const REPEAT: Record<string, number> = { double: 2, triple: 3 };

/** Spoken or written digits to a digit string; `+` kept at the start. Unknown words are ignored. */
export function digitsFromText(text: string): string {
  const tokens = text.toLowerCase().replace(/(\d)-(?=\d)/g, '$1 ').split(/[^a-z0-9+]+/).filter(Boolean);
  let out = '';
  let repeat = 1;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    let digits: string | undefined;
    if (/^\+?\d+$/.test(token)) digits = token;
    else if (token in UNITS) digits = UNITS[token];
    else if (token in TEENS) digits = TEENS[token];
    else if (token in TENS) {
      const next = tokens[i + 1];
      // "fifty five" → 55; "fifty" alone → 50.
      if (next && next in UNITS && next !== 'oh' && next !== 'o' && next !== 'zero' && next !== 'nought') {
        digits = TENS[token]! + UNITS[next];
        i++;
      } else digits = `${TENS[token]}0`;
    } else if (token === 'hundred') digits = '00';
    else if (token === 'thousand') digits = '000';
    else if (token in REPEAT) {
      repeat = REPEAT[token]!;
      continue;
    } else if (token === 'plus') digits = '+';
    if (digits === undefined) continue;
    // "double five" repeats one digit; "double fifty" is not a thing people say.
    out += repeat > 1 && digits.length === 1 ? digits.repeat(repeat) : digits;
    repeat = 1;
  }
  return out.replace(/(?!^)\+/g, '');
}

function nanpValid(national: string): string | undefined {
  if (!/^[2-9]\d{2}[2-9]\d{6}$/.test(national)) return 'a North American number has a 3-digit area code and a 7-digit number, neither starting with 0 or 1';
  return undefined;
}

/**
 * Normalizes a phone number to E.164, e.g. `+15125550100`. `defaultCountry`
 * (ISO 3166 alpha-2, default `US`) applies to numbers without a country code.
 */
export function normalizePhoneNumber(text: string, defaultCountry = 'US'): PhoneParse {
  const trimmed = text.trim();
  if (!trimmed) return { ok: false, reason: 'no number was given' };
  if (/^(client|sip):/i.test(trimmed)) return { ok: false, reason: `${trimmed} is not a phone number` };
  const rule = COUNTRY_RULES[defaultCountry.toUpperCase()];
  if (!rule) return { ok: false, reason: `unknown default country ${defaultCountry} (known: ${Object.keys(COUNTRY_RULES).join(', ')})` };

  let digits = digitsFromText(trimmed);
  let international = false;
  if (digits.startsWith('+')) {
    international = true;
    digits = digits.slice(1);
  } else if (digits.startsWith('00')) {
    international = true;
    digits = digits.slice(2);
  } else if (rule.code === '1' && digits.startsWith('011')) {
    international = true; // NANP international prefix
    digits = digits.slice(3);
  }
  if (!/^\d+$/.test(digits)) return { ok: false, reason: `no digits found in "${trimmed}"` };

  if (international) {
    if (digits.startsWith('0')) return { ok: false, reason: 'a country code cannot start with 0' };
    if (digits.length < 8 || digits.length > 15) return { ok: false, reason: `an international number has 8 to 15 digits, not ${digits.length}` };
    if (digits.startsWith('1')) {
      const problem = nanpValid(digits.slice(1));
      if (problem) return { ok: false, reason: problem };
    }
    return { ok: true, e164: `+${digits}` };
  }

  if (rule.code === '1') {
    const national = digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
    if (national.length === 7) return { ok: false, reason: 'the number needs its 3-digit area code' };
    if (national.length !== 10) return { ok: false, reason: `a North American number has 10 digits, not ${national.length}` };
    const problem = nanpValid(national);
    return problem ? { ok: false, reason: problem } : { ok: true, e164: `+1${national}` };
  }

  let national = digits;
  if (rule.trunk && national.startsWith(rule.trunk)) national = national.slice(rule.trunk.length);
  else if (national.startsWith(rule.code) && rule.lengths.includes(national.length - rule.code.length)) {
    national = national.slice(rule.code.length); // country code said without "+"
  }
  if (!rule.lengths.includes(national.length)) {
    return { ok: false, reason: `a ${defaultCountry.toUpperCase()} number has ${rule.lengths.join(' or ')} digits after the trunk prefix, not ${national.length}` };
  }
  return { ok: true, e164: `+${rule.code}${national}` };
}

/** True for a string already in E.164 form. */
export function isE164(text: string): boolean {
  return /^\+[1-9]\d{7,14}$/.test(text);
}
