/**
 * Compiles checked conditions, sorts and cursor positions to SQLite SQL over
 * a collection table `(_id TEXT PRIMARY KEY, doc TEXT)` holding JSON.
 *
 * - Field paths are spelled literally (`json_extract(doc, '$."a"."b"')`) so a
 *   query matches the expression index built for the same path; they are safe
 *   to inline because `store-names.ts` admits no quote or other delimiter.
 *   Every value is a bound parameter.
 * - `json_extract` maps JSON true/false to 1/0 and objects to text, so each
 *   comparison also checks `json_type`: `{ active: true }` never matches 1,
 *   and `{ n: { $gt: 5 } }` never matches a string — MongoDB's behaviour.
 * - Missing fields and JSON null both read as SQL NULL, which sorts first,
 *   as in MongoDB.
 */
import type { Condition, ScalarValue, SortKey } from './parse-query.js';
import type { CursorPosition } from './page-cursor.js';
import { pathSegments } from './store-names.js';

/** A piece of SQL and its parameters, in order. */
export interface SqlPart {
  sql: string;
  params: Array<string | number | null>;
}

/** The JSON path literal of a checked field path: `'$."a"."b"'`. */
export function jsonPath(path: string): string {
  return `'$.${pathSegments(path)
    .map((s) => `"${s}"`)
    .join('.')}'`;
}

/** The SQL expression reading a field: the `_id` column, or `json_extract` on the document. */
export function fieldExpr(path: string): string {
  return path === '_id' ? '_id' : `json_extract(doc, ${jsonPath(path)})`;
}

const typeExpr = (path: string) => `json_type(doc, ${jsonPath(path)})`;
const NUMBER_TYPES = `IN ('integer', 'real')`;

/**
 * The SQL test that the field equals a scalar (missing counts as null). It may
 * be NULL rather than false when the field is missing; it keeps `E = ?` as a
 * top-level AND term so the planner can use an index on the field.
 */
function equals(path: string, value: ScalarValue, params: SqlPart['params']): string {
  const e = fieldExpr(path);
  if (path === '_id') {
    if (typeof value !== 'string') return '0'; // Every `_id` is a string.
    params.push(value);
    return `(${e} = ?)`;
  }
  if (value === null) return `(${e} IS NULL)`;
  if (typeof value === 'boolean') {
    // `E = 1` first so an index on the field still serves the lookup.
    params.push(value ? 1 : 0);
    return `(${e} = ? AND ${typeExpr(path)} = '${value ? 'true' : 'false'}')`;
  }
  params.push(value);
  return `(${e} = ? AND ${typeExpr(path)} ${typeof value === 'number' ? NUMBER_TYPES : `= 'text'`})`;
}

const RANGE_SQL = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

function condition(c: Condition, params: SqlPart['params']): string {
  const e = fieldExpr(c.path);
  switch (c.op) {
    case 'eq':
      return equals(c.path, c.value, params);
    case 'ne':
      // `IS NOT 1` rather than NOT: a missing field makes the test NULL, and it must count as "not equal".
      return `(${equals(c.path, c.value, params)} IS NOT 1)`;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      if (c.path === '_id' && typeof c.value !== 'string') return '0';
      params.push(c.value);
      if (c.path === '_id') return `(${e} ${RANGE_SQL[c.op]} ?)`;
      return `(${e} ${RANGE_SQL[c.op]} ? AND ${typeExpr(c.path)} ${typeof c.value === 'number' ? NUMBER_TYPES : `= 'text'`})`;
    }
    case 'in': {
      // One JSON parameter per type group keeps the statement text independent of
      // the list's length, so it is prepared once and cached.
      const strings = c.values.filter((v): v is string => typeof v === 'string');
      const numbers = c.values.filter((v): v is number => typeof v === 'number');
      const parts: string[] = [];
      if (c.path === '_id') {
        if (strings.length === 0) return '0';
        params.push(JSON.stringify(strings));
        return `(${e} IN (SELECT value FROM json_each(?)))`;
      }
      if (strings.length) {
        params.push(JSON.stringify(strings));
        parts.push(`(${e} IN (SELECT value FROM json_each(?)) AND ${typeExpr(c.path)} = 'text')`);
      }
      if (numbers.length) {
        params.push(JSON.stringify(numbers));
        parts.push(`(${e} IN (SELECT value FROM json_each(?)) AND ${typeExpr(c.path)} ${NUMBER_TYPES})`);
      }
      for (const flag of [true, false]) if (c.values.includes(flag)) parts.push(equals(c.path, flag, params));
      if (c.values.includes(null)) parts.push(`(${e} IS NULL)`);
      return parts.length === 0 ? '0' : `(${parts.join(' OR ')})`;
    }
    case 'exists':
      if (c.path === '_id') return c.value ? '1' : '0';
      return `(${typeExpr(c.path)} IS ${c.value ? 'NOT NULL' : 'NULL'})`;
  }
}

/** The WHERE clause of a filter (`1` when empty). */
export function whereSql(conditions: Condition[]): SqlPart {
  const params: SqlPart['params'] = [];
  const sql = conditions.length === 0 ? '1' : conditions.map((c) => condition(c, params)).join(' AND ');
  return { sql, params };
}

/** The ORDER BY list; NULLs (missing fields) sort first ascending and last descending, as in MongoDB. */
export function orderSql(sort: SortKey[]): string {
  return sort.map((k) => `${fieldExpr(k.path)} ${k.dir === 1 ? 'ASC' : 'DESC'}`).join(', ');
}

/**
 * Rows strictly after `position` in `sort` order: for each key i, the keys
 * before it are equal and key i is past the cursor's value. Null-aware so
 * pages walk through documents missing a sort field too.
 */
export function afterSql(sort: SortKey[], position: CursorPosition): SqlPart {
  const params: SqlPart['params'] = [];
  const values: ScalarValue[] = [...position.values, position.id];
  const branches: string[] = [];
  for (let i = 0; i < sort.length; i++) {
    const terms: string[] = [];
    for (let j = 0; j < i; j++) {
      const v = toSql(values[j]!);
      terms.push(`${fieldExpr(sort[j]!.path)} IS ?`);
      params.push(v);
    }
    const { path, dir } = sort[i]!;
    const v = toSql(values[i]!);
    const e = fieldExpr(path);
    if (dir === 1) {
      if (v === null) terms.push(`${e} IS NOT NULL`);
      else {
        terms.push(`${e} > ?`);
        params.push(v);
      }
    } else if (v === null) {
      terms.push('0'); // Nothing sorts after NULL in descending order.
    } else {
      terms.push(`(${e} < ? OR ${e} IS NULL)`);
      params.push(v);
    }
    branches.push(`(${terms.join(' AND ')})`);
  }
  return { sql: `(${branches.join(' OR ')})`, params };
}

/** SQLite has no booleans: a cursor value read from `json_extract` is already 1/0, this only guards hand-made ones. */
function toSql(value: ScalarValue): string | number | null {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

/** The SELECT list items reading each sort key before `_id`, aliased `k0`, `k1`, … for the next cursor. */
export function sortKeyColumns(sort: SortKey[]): string {
  return sort
    .slice(0, -1)
    .map((k, i) => `, ${fieldExpr(k.path)} AS k${i}`)
    .join('');
}
