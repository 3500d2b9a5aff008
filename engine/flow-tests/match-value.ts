/**
 * How a flow test compares what it expects with what happened. Scalars are
 * compared as written; mappings partially (only the fields written are
 * checked: a designer writes what matters, not the whole booking); lists
 * item by item with the same length. A mapping with a single `$` key is a
 * matcher: `$exists`, `$contains`, `$matches`, `$gte`, `$lte`.
 */

/** The matchers a value may use. */
export const MATCHERS = ['$exists', '$contains', '$matches', '$gte', '$lte'] as const;

/** One difference: where, what was expected, what was there. */
export interface Mismatch {
  /** Dotted path inside the compared value (`''` for the value itself). */
  path: string;
  expected: string;
  actual: string;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether a mapping is a matcher (`{ $contains: … }`). */
export function isMatcher(value: unknown): value is Record<string, unknown> {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (MATCHERS as readonly string[]).includes(keys[0]!);
}

/** A value for messages: JSON, clipped. */
export function showValue(value: unknown, max = 120): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function describeMatcher(matcher: Record<string, unknown>): string {
  const [key, operand] = Object.entries(matcher)[0]!;
  switch (key) {
    case '$exists':
      return operand ? 'a value' : 'no value';
    case '$contains':
      return `something containing ${showValue(operand)}`;
    case '$matches':
      return `text matching /${String(operand)}/`;
    case '$gte':
      return `a number ≥ ${showValue(operand)}`;
    default:
      return `a number ≤ ${showValue(operand)}`;
  }
}

function matcherHolds(matcher: Record<string, unknown>, actual: unknown): boolean {
  const [key, operand] = Object.entries(matcher)[0]!;
  switch (key) {
    case '$exists':
      return (actual !== undefined && actual !== null) === Boolean(operand);
    case '$contains':
      if (typeof actual === 'string') return actual.includes(String(operand));
      if (Array.isArray(actual)) return actual.some((item) => matchValue(operand, item).length === 0);
      return false;
    case '$matches':
      try {
        return typeof actual === 'string' && new RegExp(String(operand)).test(actual);
      } catch {
        return false;
      }
    case '$gte':
      return typeof actual === 'number' && actual >= Number(operand);
    default:
      return typeof actual === 'number' && actual <= Number(operand);
  }
}

const join = (base: string, key: string | number) => (typeof key === 'number' ? `${base}[${key}]` : base ? `${base}.${key}` : key);

/** The differences between what is expected and what is there (empty when it matches). */
export function matchValue(expected: unknown, actual: unknown, path = ''): Mismatch[] {
  if (isMatcher(expected)) return matcherHolds(expected, actual) ? [] : [{ path, expected: describeMatcher(expected), actual: showValue(actual) }];
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) return [{ path, expected: 'a mapping', actual: showValue(actual) }];
    return Object.entries(expected).flatMap(([key, value]) => matchValue(value, actual[key], join(path, key)));
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [{ path, expected: showValue(expected), actual: showValue(actual) }];
    if (actual.length !== expected.length) return [{ path, expected: `${expected.length} item${expected.length === 1 ? '' : 's'} ${showValue(expected)}`, actual: `${actual.length}: ${showValue(actual)}` }];
    return expected.flatMap((item, index) => matchValue(item, actual[index], join(path, index)));
  }
  return Object.is(expected, actual) ? [] : [{ path, expected: showValue(expected), actual: showValue(actual) }];
}

/** Reads a dotted path (`booking.bookingId`, `slots.0.start`) through own properties. */
export function readPath(value: unknown, dotted: string): unknown {
  let current = value;
  for (const segment of dotted.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}
