/**
 * A small validator that rejects a client event's contents the way the
 * Realtime API does: strict about unknown parameters (the official schema is
 * lax there, the API is not), with the API's error codes (`unknown_parameter`,
 * `missing_required_parameter`, `invalid_type`, `invalid_value`,
 * `decimal_above_max_value`, …), messages in the API's wording, and `param`
 * naming the field (`session.audio.output.voice`, `session.tools[0].name`).
 */
import { jsonTypeOf } from '../realtime/event-shape.js';

/** The `error` object of an `error` event. */
export interface ApiError {
  type: 'invalid_request_error' | 'server_error';
  code: string | null;
  message: string;
  param: string | null;
}

/** A rule for one value; returns the first problem, or undefined. */
export type Rule = (value: unknown, path: string) => ApiError | undefined;

const problem = (code: string, message: string, param: string): ApiError => ({ type: 'invalid_request_error', code, message, param });

const TYPE_WORDS: Record<string, string> = { string: 'a string', integer: 'an integer', number: 'a decimal', boolean: 'a boolean', object: 'an object', array: 'an array', null: 'null' };

/** `Invalid type for 'x': expected a string, but got an integer instead.` */
export function invalidType(path: string, expected: string, value: unknown): ApiError {
  const got = jsonTypeOf(value);
  return problem('invalid_type', `Invalid type for '${path}': expected ${expected}, but got ${TYPE_WORDS[got] ?? got} instead.`, path);
}

/** `Missing required parameter: 'x'.` */
export function missingParameter(path: string): ApiError {
  return problem('missing_required_parameter', `Missing required parameter: '${path}'.`, path);
}

/** `Unknown parameter: 'x'.` */
export function unknownParameter(path: string): ApiError {
  return problem('unknown_parameter', `Unknown parameter: '${path}'.`, path);
}

/** `Invalid value: 'v'. Supported values are: 'a', 'b', and 'c'.` */
export function invalidValue(path: string, value: unknown, supported: readonly unknown[]): ApiError {
  const quoted = supported.map((v) => `'${String(v)}'`);
  const list = quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')}${quoted.length > 2 ? ',' : ''} and ${quoted.at(-1)}` : (quoted[0] ?? '');
  return problem('invalid_value', `Invalid value: '${String(value)}'. Supported values are: ${list}.`, path);
}

/** Rule builders: `v.object({ … }, required)`, `v.string()`, `v.oneOf([…])`, `v.number({ min, max })`, … */
export const v = {
  string(): Rule {
    return (value, path) => (typeof value === 'string' ? undefined : invalidType(path, 'a string', value));
  },
  boolean(): Rule {
    return (value, path) => (typeof value === 'boolean' ? undefined : invalidType(path, 'a boolean', value));
  },
  oneOf(values: readonly (string | number)[]): Rule {
    return (value, path) => {
      if (typeof value !== 'string' && typeof value !== 'number') return invalidType(path, typeof values[0] === 'number' ? 'an integer' : 'a string', value);
      return values.includes(value) ? undefined : invalidValue(path, value, values);
    };
  },
  number(range: { min?: number; max?: number; integer?: boolean } = {}): Rule {
    const kind = range.integer ? 'integer' : 'decimal';
    return (value, path) => {
      if (typeof value !== 'number' || !Number.isFinite(value) || (range.integer && !Number.isInteger(value))) {
        return invalidType(path, range.integer ? 'an integer' : 'a decimal', value);
      }
      if (range.min !== undefined && value < range.min) {
        return problem(`${kind}_below_min_value`, `Invalid '${path}': ${kind} below minimum value. Expected a value >= ${range.min}, but got ${value} instead.`, path);
      }
      if (range.max !== undefined && value > range.max) {
        return problem(`${kind}_above_max_value`, `Invalid '${path}': ${kind} above maximum value. Expected a value <= ${range.max}, but got ${value} instead.`, path);
      }
      return undefined;
    };
  },
  pattern(regex: RegExp, shown: string): Rule {
    return (value, path) => {
      if (typeof value !== 'string') return invalidType(path, 'a string', value);
      return regex.test(value)
        ? undefined
        : problem('invalid_value', `Invalid '${path}': string does not match pattern. Expected a string that matches the pattern '${shown}'.`, path);
    };
  },
  /** A JSON object of any content. */
  anyObject(): Rule {
    return (value, path) => (isObject(value) ? undefined : invalidType(path, 'an object', value));
  },
  /** An object with exactly these known fields (others are `unknown_parameter`), some required. */
  object(fields: Record<string, Rule>, required: readonly string[] = []): Rule {
    return (value, path) => {
      if (!isObject(value)) return invalidType(path, 'an object', value);
      for (const key of Object.keys(value)) if (!Object.hasOwn(fields, key)) return unknownParameter(`${path}.${key}`);
      for (const key of required) if (value[key] === undefined) return missingParameter(`${path}.${key}`);
      for (const [key, rule] of Object.entries(fields)) {
        if (value[key] === undefined) continue;
        const found = rule(value[key], `${path}.${key}`);
        if (found) return found;
      }
      return undefined;
    };
  },
  array(item: Rule, bounds: { min?: number; max?: number } = {}): Rule {
    return (value, path) => {
      if (!Array.isArray(value)) return invalidType(path, 'an array', value);
      if (bounds.min !== undefined && value.length < bounds.min) {
        return problem('array_below_min_length', `Invalid '${path}': empty array. Expected an array with minimum length ${bounds.min}, but got an array with length ${value.length} instead.`, path);
      }
      if (bounds.max !== undefined && value.length > bounds.max) {
        return problem('array_above_max_length', `Invalid '${path}': array too long. Expected an array with maximum length ${bounds.max}, but got an array with length ${value.length} instead.`, path);
      }
      for (let i = 0; i < value.length; i++) {
        const found = item(value[i], `${path}[${i}]`);
        if (found) return found;
      }
      return undefined;
    };
  },
  nullable(rule: Rule): Rule {
    return (value, path) => (value === null ? undefined : rule(value, path));
  },
  /** An object whose fields depend on its `type` (`turn_detection`, `format`, conversation items). */
  byType(variants: Record<string, Rule>, options: { defaultType?: string } = {}): Rule {
    const types = Object.keys(variants);
    return (value, path) => {
      if (!isObject(value)) return invalidType(path, 'an object', value);
      const type = value.type ?? options.defaultType;
      if (type === undefined) return missingParameter(`${path}.type`);
      if (typeof type !== 'string') return invalidType(`${path}.type`, 'a string', type);
      const rule = variants[type];
      return rule ? rule(value, path) : invalidValue(`${path}.type`, type, types);
    };
  },
  /** The first rule whose JSON type fits decides (`string | object` unions such as `tool_choice`). */
  either(byJsonType: Partial<Record<'string' | 'object' | 'integer' | 'number' | 'null', Rule>>, expected: string): Rule {
    return (value, path) => {
      const kind = jsonTypeOf(value);
      const rule = byJsonType[kind as keyof typeof byJsonType] ?? (kind === 'integer' ? byJsonType.number : undefined);
      return rule ? rule(value, path) : invalidType(path, expected, value);
    };
  },
};

/** Whether a value is a plain JSON object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
