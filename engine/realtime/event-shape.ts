/**
 * Cheap shape checks for wire events: a table of the fields a handler relies
 * on, checked with `typeof` before the event is trusted as its TypeScript type.
 * Only fields Parley reads are required, so a vendor adding fields never breaks
 * parsing; a missing or mistyped one makes the event `invalid` instead of
 * crashing a handler later.
 */

/** What a field must hold. A nested object spec checks that object's own fields. */
export type FieldKind = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array' | ShapeSpec;

/** Required fields of an event (or of a nested object) and their kinds. */
export interface ShapeSpec {
  readonly [field: string]: FieldKind;
}

/** Why a value does not fit its spec: which field, and whether it was missing or of another type. */
export interface ShapeProblem {
  /** Dotted path of the field, e.g. `item.id`. */
  path: string;
  issue: 'missing' | 'type';
  expected: string;
  /** JSON type of what was there (for `type` issues). */
  got?: string;
}

/** A plain JSON object (not null, not an array). */
export type JsonObject = Record<string, unknown>;

/** Whether a value is a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The JSON type name of a value, as API error messages say it. */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'object') return 'object';
  return typeof value;
}

function fits(value: unknown, kind: Exclude<FieldKind, ShapeSpec>): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return isJsonObject(value);
    case 'array':
      return Array.isArray(value);
  }
}

/** First field of `value` that does not fit `spec`, or undefined when all do. Never throws. */
export function checkShape(value: JsonObject, spec: ShapeSpec, prefix = ''): ShapeProblem | undefined {
  for (const field in spec) {
    const kind = spec[field]!;
    const path = prefix + field;
    const present = Object.hasOwn(value, field) && value[field] !== undefined;
    if (!present) return { path, issue: 'missing', expected: typeof kind === 'string' ? kind : 'object' };
    const fieldValue = value[field];
    if (typeof kind === 'string') {
      if (!fits(fieldValue, kind)) return { path, issue: 'type', expected: kind, got: jsonTypeOf(fieldValue) };
    } else {
      if (!isJsonObject(fieldValue)) return { path, issue: 'type', expected: 'object', got: jsonTypeOf(fieldValue) };
      const nested = checkShape(fieldValue, kind, path + '.');
      if (nested) return nested;
    }
  }
  return undefined;
}

/** One sentence for a problem, e.g. `"item.id" is missing` or `"delta" should be a string, got integer`. */
export function describeShapeProblem(problem: ShapeProblem): string {
  return problem.issue === 'missing'
    ? `"${problem.path}" is missing`
    : `"${problem.path}" should be ${article(problem.expected)} ${problem.expected}, got ${problem.got}`;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}
