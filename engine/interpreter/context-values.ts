/**
 * Reading and writing the call context by dotted path, immutably (XState
 * snapshots share structure, and an unchanged branch stays `===`, which keeps
 * context diffs cheap), and diffing two contexts for the call record.
 */
import type { ContextDiff } from './call-types.js';

/** Path segments that could reach an object's prototype; never written. */
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

export type Vars = Readonly<Record<string, unknown>>;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Splits a dotted path; undefined when it is empty or reaches a forbidden segment. */
export function pathSegments(path: string): string[] | undefined {
  const segments = path.split('.');
  if (segments.some((segment) => segment === '' || FORBIDDEN_SEGMENTS.has(segment))) return undefined;
  return segments;
}

/** The value at a dotted path, or undefined. */
export function getPath(vars: unknown, path: string): unknown {
  let current: unknown = vars;
  for (const segment of path.split('.')) {
    if (!isPlainObject(current) || !Object.hasOwn(current, segment)) return undefined;
    current = current[segment];
  }
  return current;
}

/**
 * A copy of `vars` with `value` at `path`; objects along the path are copied,
 * missing ones created. Throws when the path is forbidden or crosses a value
 * that is not an object (a write would destroy it).
 */
export function setPath(vars: Vars, path: string, value: unknown): Record<string, unknown> {
  const segments = pathSegments(path);
  if (!segments) throw new Error(`"${path}" is not a writable context path`);
  const write = (target: unknown, index: number): Record<string, unknown> => {
    if (target !== undefined && !isPlainObject(target)) {
      throw new Error(`cannot write "${path}": "${segments.slice(0, index).join('.')}" is not an object`);
    }
    const copy: Record<string, unknown> = { ...(target ?? {}) };
    const key = segments[index]!;
    if (index === segments.length - 1) {
      if (value === undefined) delete copy[key];
      else copy[key] = value;
    } else {
      copy[key] = write(copy[key], index + 1);
    }
    return copy;
  };
  return write(vars, 0);
}

/** Deep merge of plain objects (arrays and other values replace). For call input over `context.initial`. */
export function mergeValues(base: Vars, over: Vars): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (FORBIDDEN_SEGMENTS.has(key)) continue;
    merged[key] = isPlainObject(merged[key]) && isPlainObject(value) ? mergeValues(merged[key], value) : value;
  }
  return merged;
}

/**
 * What changed from `before` to `after`: dotted path → new value (undefined when
 * removed). Objects are compared key by key, everything else as a whole.
 */
export function diffValues(before: Vars, after: Vars, skip: ReadonlySet<string> = new Set()): ContextDiff {
  const diff: ContextDiff = {};
  const walk = (a: unknown, b: unknown, prefix: string) => {
    if (a === b) return;
    if (isPlainObject(a) && isPlainObject(b)) {
      const visit = (key: string) => {
        if (a[key] === b[key] || (!prefix && skip.has(key))) return;
        walk(a[key], b[key], prefix ? `${prefix}.${key}` : key);
      };
      for (const key of Object.keys(b)) visit(key);
      for (const key of Object.keys(a)) if (!Object.hasOwn(b, key)) visit(key);
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) diff[prefix] = b;
  };
  walk(before, after, '');
  return diff;
}
