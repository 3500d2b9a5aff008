/**
 * Checks a filter, sort and limit and turns them into one plain description
 * both adapters compile (SQL for SQLite, a query document for MongoDB), so a
 * bad query fails with the same code on either, before anything reaches a
 * database.
 */
import { ParleyError } from '../errors/parley-error.js';
import type { Filter, IndexSpec, SortSpec } from './document-store.js';
import { checkFieldPath } from './store-names.js';

/** A value the store compares: a JSON scalar. */
export type ScalarValue = string | number | boolean | null;

/** One checked condition on one field path; a filter is all of them together. */
export type Condition =
  | { path: string; op: 'eq' | 'ne'; value: ScalarValue }
  | { path: string; op: 'gt' | 'gte' | 'lt' | 'lte'; value: string | number }
  | { path: string; op: 'in'; values: ScalarValue[] }
  | { path: string; op: 'exists'; value: boolean };

/** One sort key; the last one is always `_id`. */
export interface SortKey {
  path: string;
  dir: 1 | -1;
}

const RANGE_OPS = { $gt: 'gt', $gte: 'gte', $lt: 'lt', $lte: 'lte' } as const;
const MAX_SORT_KEYS = 8;

const badQuery = (message: string, details?: Record<string, unknown>) => new ParleyError('STORE_BAD_QUERY', message, details ? { details } : {});

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function scalar(value: unknown, path: string): ScalarValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw badQuery(`Filter on "${path}" compares with ${value}; use a finite number.`, { path });
    return value;
  }
  if (value === undefined) throw badQuery(`Filter on "${path}" is undefined; leave the field out to not filter on it.`, { path });
  if (value instanceof Date) throw badQuery(`Filter on "${path}" compares with a Date; store and compare ISO 8601 strings.`, { path });
  if (Array.isArray(value)) throw badQuery(`Filter on "${path}" compares with an array; use { $in: [...] } to match one of several values.`, { path });
  throw badQuery(`Filter on "${path}" compares with an object; filter on its fields with dotted paths ("${path}.field").`, { path });
}

function rangeValue(value: unknown, path: string, op: string): string | number {
  if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) return value;
  throw badQuery(`${op} on "${path}" needs a string or a finite number.`, { path, op });
}

function parseOperators(path: string, ops: Record<string, unknown>, out: Condition[]): void {
  const keys = Object.keys(ops);
  if (keys.length === 0) throw badQuery(`Filter on "${path}" is an empty object; give a value or an operator such as { $gt: 1 }.`, { path });
  for (const key of keys) {
    const value = ops[key];
    switch (key) {
      case '$eq':
        out.push({ path, op: 'eq', value: scalar(value, path) });
        break;
      case '$ne':
        out.push({ path, op: 'ne', value: scalar(value, path) });
        break;
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        out.push({ path, op: RANGE_OPS[key], value: rangeValue(value, path, key) });
        break;
      case '$in':
        if (!Array.isArray(value)) throw badQuery(`$in on "${path}" needs an array of values.`, { path });
        out.push({ path, op: 'in', values: value.map((v) => scalar(v, path)) });
        break;
      case '$exists':
        if (typeof value !== 'boolean') throw badQuery(`$exists on "${path}" needs true or false.`, { path });
        out.push({ path, op: 'exists', value });
        break;
      default:
        throw badQuery(
          key.startsWith('$')
            ? `Operator ${key} (on "${path}") is not supported; use $eq, $ne, $gt, $gte, $lt, $lte, $in or $exists.`
            : `Filter on "${path}" compares with an object; filter on its fields with dotted paths ("${path}.${key}").`,
          { path, operator: key },
        );
    }
  }
}

/** Checks a filter; throws `STORE_BAD_QUERY` or `STORE_BAD_NAME` with what to fix. */
export function parseFilter(filter: Filter | undefined): Condition[] {
  if (filter === undefined) return [];
  if (!isPlainObject(filter)) throw badQuery('A filter is an object of field paths to values or conditions.');
  const out: Condition[] = [];
  for (const [path, value] of Object.entries(filter)) {
    if (path.startsWith('$')) throw badQuery(`Top-level operator ${path} is not supported; a filter is field paths, all of which must match.`, { operator: path });
    checkFieldPath(path, 'Filter field');
    if (isPlainObject(value)) parseOperators(path, value, out);
    else out.push({ path, op: 'eq', value: scalar(value, path) });
  }
  return out;
}

/** Checks a sort and adds the `_id` tie-breaker, which runs the same way as the last key so one index serves the whole order. */
export function parseSort(sort: SortSpec | undefined): SortKey[] {
  if (sort === undefined) return [{ path: '_id', dir: 1 }];
  if (!isPlainObject(sort)) throw badQuery('A sort is an object of field paths to 1 (ascending) or -1 (descending).');
  const keys: SortKey[] = [];
  for (const [path, dir] of Object.entries(sort)) {
    checkFieldPath(path, 'Sort field');
    if (dir !== 1 && dir !== -1) throw badQuery(`Sort on "${path}" must be 1 or -1.`, { path });
    keys.push({ path, dir });
    if (path === '_id') break; // `_id` is unique: keys after it could never decide anything.
  }
  if (keys.length > MAX_SORT_KEYS) throw badQuery(`A sort has at most ${MAX_SORT_KEYS} keys.`);
  const last = keys.at(-1);
  if (last?.path !== '_id') keys.push({ path: '_id', dir: last?.dir ?? 1 });
  return keys;
}

/** Checks a page size: a positive whole number, or undefined for no limit. */
export function parseLimit(limit: unknown): number | undefined {
  if (limit === undefined) return undefined;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) throw badQuery(`limit must be a positive whole number, not ${JSON.stringify(limit)}.`);
  return limit;
}

/** The values of `_id` equality conditions and other equalities, as MongoDB seeds an upserted document. */
export function equalitySeeds(conditions: Condition[]): Array<[string, ScalarValue]> {
  const seeds: Array<[string, ScalarValue]> = [];
  for (const c of conditions) if (c.op === 'eq') seeds.push([c.path, c.value]);
  return seeds;
}

/** Checks an index spec; returns its field paths. */
export function parseIndexFields(spec: IndexSpec): string[] {
  const fields: unknown = spec?.fields;
  if (!Array.isArray(fields) || fields.length === 0 || fields.length > 8) {
    throw badQuery('An index needs 1 to 8 field paths in `fields`.');
  }
  for (const field of fields) checkFieldPath(field, 'Index field');
  if (new Set(fields).size !== fields.length) throw badQuery('An index names each field once.');
  return fields as string[];
}
