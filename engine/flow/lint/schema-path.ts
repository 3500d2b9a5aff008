/**
 * Looks a variable path up in a JSON Schema written by a designer (the context
 * schema, an operation's output): what schema the value at `a.b.c` has, or
 * whether the schema rules the path out. Follows local `$ref`s, `allOf`,
 * `anyOf`/`oneOf` (first branch that has the path) and array `items`.
 */
import { isObject } from './lint-context.js';

export type SchemaLookup =
  /** The path is declared; `schema` is its schema. */
  | { found: true; schema: Record<string, unknown> }
  /**
   * Not declared. `depth` segments were found; `closed` when the object where
   * the search stopped allows no other fields (`additionalProperties: false`).
   */
  | { found: false; depth: number; closed: boolean };

function resolveRef(root: Record<string, unknown>, schema: Record<string, unknown>): Record<string, unknown> {
  let current = schema;
  for (let depth = 0; depth < 16 && typeof current.$ref === 'string'; depth++) {
    const ref = current.$ref;
    if (!ref.startsWith('#')) return current;
    let target: unknown = root;
    for (const part of ref.slice(2).split('/').filter(Boolean)) {
      target = isObject(target) ? target[part.replaceAll('~1', '/').replaceAll('~0', '~')] : undefined;
    }
    if (!isObject(target)) return current;
    // Sibling keywords next to $ref (2020-12) still apply.
    const { $ref: _ref, ...siblings } = current;
    current = { ...target, ...siblings };
  }
  return current;
}

/** The schema of one field of an object schema, or why there is none. */
function child(root: Record<string, unknown>, schema: Record<string, unknown>, segment: string, depth: number): { schema?: Record<string, unknown>; closed: boolean } {
  const resolved = resolveRef(root, schema);
  const properties = isObject(resolved.properties) ? resolved.properties : undefined;
  if (properties && isObject(properties[segment])) return { schema: properties[segment], closed: false };
  if (isObject(resolved.patternProperties)) {
    for (const [pattern, sub] of Object.entries(resolved.patternProperties)) {
      try {
        if (isObject(sub) && new RegExp(pattern, 'u').test(segment)) return { schema: sub, closed: false };
      } catch {
        // An invalid pattern is reported by the embedded-schema check.
      }
    }
  }
  if (/^\d+$/.test(segment) && isObject(resolved.items)) return { schema: resolved.items, closed: false };
  for (const list of ['allOf', 'anyOf', 'oneOf'] as const) {
    const branches = Array.isArray(resolved[list]) ? (resolved[list] as unknown[]) : [];
    for (const branch of branches) {
      if (!isObject(branch)) continue;
      const found = child(root, branch, segment, depth + 1);
      if (found.schema) return found;
    }
  }
  if (isObject(resolved.additionalProperties)) return { schema: resolved.additionalProperties, closed: false };
  const closed = resolved.additionalProperties === false || resolved.unevaluatedProperties === false;
  return { closed };
}

export function schemaAtPath(root: unknown, segments: readonly string[]): SchemaLookup {
  if (!isObject(root)) return { found: false, depth: 0, closed: false };
  let current: Record<string, unknown> = root;
  for (let i = 0; i < segments.length; i++) {
    const next = child(root, current, segments[i]!, 0);
    if (!next.schema) return { found: false, depth: i, closed: next.closed };
    current = next.schema;
  }
  return { found: true, schema: resolveRef(root, current) };
}

/** The JSON types a schema allows (from `type`, else `const`/`enum`), or undefined when it does not say. */
export function schemaTypes(schema: Record<string, unknown>): Set<string> | undefined {
  const type = schema.type;
  if (typeof type === 'string') return new Set([type]);
  if (Array.isArray(type)) return new Set(type.map(String));
  const typeOfValue = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'number') : typeof value);
  if ('const' in schema) return new Set([typeOfValue(schema.const)]);
  if (Array.isArray(schema.enum) && schema.enum.length) return new Set(schema.enum.map(typeOfValue));
  return undefined;
}

/** Whether a value of one of `actual`'s types can satisfy one of `declared`'s (integer counts as number, and a number may be whole). */
export function typesCompatible(actual: ReadonlySet<string>, declared: ReadonlySet<string>): boolean {
  for (const type of actual) {
    if (declared.has(type)) return true;
    if (type === 'integer' && declared.has('number')) return true;
    if (type === 'number' && declared.has('integer')) return true;
  }
  return false;
}
