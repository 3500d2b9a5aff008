/**
 * Ajv's errors in a flow designer's words. Ajv says `must be string`; a
 * designer needs "`dtmf` of transition 1 of stage `menu` must be text, but it
 * is the number 0 — put it in quotes". Shared by the flow-schema check and the
 * checks of values against schemas written inside the flow.
 */
import type { ErrorObject } from 'ajv';
import { describePointer, pointerSubject } from './describe-pointer.js';
import { didYouMean, listNames } from './did-you-mean.js';

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping (named fields)',
  array: 'a list',
  null: 'empty',
};

/** "text", "a whole number or text", … */
export function typeWords(type: unknown): string {
  const types = Array.isArray(type) ? type : [type];
  return types.map((t) => TYPE_WORDS[String(t)] ?? String(t)).join(' or ');
}

/** What a value is, naming it: `the number 0`, `the text "abc"`, `a list`. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (typeof value === 'string') return `the text "${value.length > 40 ? `${value.slice(0, 37)}...` : value}"`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `\`${value}\` (true/false)`;
  if (Array.isArray(value)) return 'a list';
  return 'a mapping';
}

/** The JSON type name of a value, as JSON Schema names them. */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** The first sentence of a schema description, for hints. */
export function firstSentence(description: unknown): string | undefined {
  if (typeof description !== 'string') return undefined;
  const match = /^(.*?[.!?])(\s|$)/s.exec(description);
  return (match ? match[1]! : description).trim();
}

/** A message and hint for one Ajv error at `pointer` (already made absolute). */
export interface AjvMessage {
  message: string;
  hint?: string | undefined;
  /** Show at the property's key (unknown property), rather than at the value. */
  atKey?: boolean;
  /** The pointer to report: for `required` and `additionalProperties`, the property's own pointer. */
  pointer: string;
  kind: 'type' | 'missing' | 'unknown' | 'other';
}

/** Capitalises the first letter (messages start with the described subject), but not a field name like `onStart`. */
export const sentence = (text: string) => (/^[a-z]+[A-Z]/.test(text) ? text : text.charAt(0).toUpperCase() + text.slice(1));

/**
 * Translates one Ajv error. `describe` names the place (defaults to
 * describePointer); `descriptionOf` finds a property's description for hints.
 */
export function translateAjvError(
  error: ErrorObject,
  pointer: string,
  options: { describe?: (pointer: string) => string; descriptionOf?: (schema: unknown, property: string) => string | undefined } = {},
): AjvMessage {
  const describe = options.describe ?? describePointer;
  const parent = error.parentSchema as Record<string, unknown> | undefined;
  const description = firstSentence(parent?.description);
  const data = error.data;
  const params = error.params as Record<string, unknown>;
  const where = describe(pointer);
  switch (error.keyword) {
    case 'type': {
      const expected = params.type;
      const quoteHint =
        expected === 'string' && (typeof data === 'number' || typeof data === 'boolean')
          ? `YAML reads ${String(data)} as ${typeof data === 'number' ? 'a number' : 'true/false'}: put it in quotes, e.g. "${String(data)}".`
          : description;
      if (data === null) return { pointer, kind: 'type', message: `${sentence(where)} is empty; it must be ${typeWords(expected)}.`, hint: description };
      return { pointer, kind: 'type', message: `${sentence(where)} must be ${typeWords(expected)}, but it is ${describeValue(data)}.`, hint: quoteHint };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      return {
        pointer,
        kind: 'other',
        message: `${describeValue(data)} is not allowed for ${where}; use one of ${listNames(allowed, 12)}.`.replace(/^./, (c) => c.toUpperCase()),
        hint: typeof data === 'string' ? didYouMean(data, allowed) ?? description : description,
      };
    }
    case 'pattern':
      return { pointer, kind: 'other', message: `\`${String(data)}\` is not a valid value for ${where}.`, hint: description };
    case 'required': {
      const missing = String(params.missingProperty);
      const child = `${pointer}/${missing.replaceAll('~', '~0').replaceAll('/', '~1')}`;
      const subject = pointerSubject(pointer);
      const owner = subject.rest.length ? describe(pointer) : subject.subject;
      return {
        pointer: child,
        kind: 'missing',
        message: `${sentence(owner)} is missing \`${missing}\`.`,
        hint: options.descriptionOf?.(parent, missing),
      };
    }
    case 'additionalProperties': {
      const extra = String(params.additionalProperty);
      const child = `${pointer}/${extra.replaceAll('~', '~0').replaceAll('/', '~1')}`;
      const allowed = Object.keys((parent?.properties as Record<string, unknown> | undefined) ?? {});
      return {
        pointer: child,
        kind: 'unknown',
        atKey: true,
        message: `\`${extra}\` is not a field of ${describe(pointer)}.`,
        hint: didYouMean(extra, allowed) ?? (allowed.length ? `Its fields are ${listNames(allowed, 20)}.` : undefined),
      };
    }
    case 'minLength':
      return { pointer, kind: 'other', message: params.limit === 1 ? `${sentence(where)} is empty.` : `${sentence(where)} is shorter than ${String(params.limit)} characters.`, hint: description };
    case 'maxLength':
      return { pointer, kind: 'other', message: `${sentence(where)} is longer than ${String(params.limit)} characters.`, hint: description };
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum': {
      const words = { minimum: 'at least', exclusiveMinimum: 'more than', maximum: 'at most', exclusiveMaximum: 'less than' }[error.keyword];
      return { pointer, kind: 'other', message: `${sentence(where)} must be ${words} ${String(params.limit)}, but it is ${String(data)}.`, hint: description };
    }
    case 'minItems':
      return { pointer, kind: 'other', message: `${sentence(where)} ${Array.isArray(data) && data.length === 0 ? 'is an empty list' : 'has too few items'}; it needs at least ${String(params.limit)}.`, hint: description };
    case 'maxItems':
      return { pointer, kind: 'other', message: `${sentence(where)} has more than ${String(params.limit)} items.`, hint: description };
    case 'minProperties':
      return { pointer, kind: 'other', message: `${sentence(where)} is empty; it needs at least ${String(params.limit)} ${params.limit === 1 ? 'entry' : 'entries'}.`, hint: description };
    case 'uniqueItems': {
      // Ajv names the two equal items; the later one is the repeat.
      const later = Math.max(Number(params.i), Number(params.j));
      const item = Array.isArray(data) ? data[later] : undefined;
      return { pointer: Number.isFinite(later) ? `${pointer}/${later}` : pointer, kind: 'other', message: `${sentence(where)} lists ${item === undefined ? 'an item' : `\`${String(item)}\``} twice.`, hint: 'Remove the repeated item.' };
    }
    case 'const':
      return { pointer, kind: 'other', message: `${sentence(where)} must be \`${JSON.stringify(params.allowedValue)}\`.`, hint: description };
    case 'format':
      return { pointer, kind: 'other', message: `${describeValue(data)} is not a valid ${String(params.format)} for ${where}.`.replace(/^./, (c) => c.toUpperCase()), hint: description };
    default:
      return { pointer, kind: 'other', message: `${sentence(where)}: ${error.message ?? 'is not valid'}.`, hint: description };
  }
}
