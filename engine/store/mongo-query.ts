/**
 * Turns checked conditions, sorts, cursor positions and updates into MongoDB
 * query and update documents. Pure (no driver, no server), so the translation
 * is unit-tested on any machine; the adapter only sends what these return.
 */
import type { ParsedUpdate } from './apply-update.js';
import type { CursorPosition } from './page-cursor.js';
import type { Condition, ScalarValue, SortKey } from './parse-query.js';
import { ParleyError } from '../errors/parley-error.js';

/** A MongoDB query or update document. */
export type MongoDocument = Record<string, unknown>;

const OPERATOR = { eq: '$eq', ne: '$ne', gt: '$gt', gte: '$gte', lt: '$lt', lte: '$lte', in: '$in', exists: '$exists' } as const;

/**
 * The query document of a checked filter. Always the operator form
 * (`{ n: { $eq: 5 } }`): MongoDB's own semantics then match the contract —
 * comparisons bracketed by type, `$eq: null` matching missing fields, `$ne`
 * matching them too.
 */
export function toMongoFilter(conditions: Condition[]): MongoDocument {
  const filter: Record<string, Record<string, unknown>> = {};
  for (const c of conditions) {
    const ops = (filter[c.path] ??= {});
    ops[OPERATOR[c.op]] = c.op === 'in' ? c.values : c.value;
  }
  return filter;
}

/** The sort document, `_id` tie-breaker included (key order is the sort order). */
export function toMongoSort(sort: SortKey[]): Record<string, 1 | -1> {
  return Object.fromEntries(sort.map((k) => [k.path, k.dir]));
}

/**
 * Documents strictly after `position` in `sort` order, the same rule the
 * SQLite adapter compiles: for each key, earlier keys equal and this key past
 * the cursor. Missing and null sort first, as MongoDB orders them.
 */
export function toMongoAfter(sort: SortKey[], position: CursorPosition): MongoDocument {
  const values: ScalarValue[] = [...position.values, position.id];
  const branches: MongoDocument[] = [];
  for (let i = 0; i < sort.length; i++) {
    const { path, dir } = sort[i]!;
    const v = values[i]!;
    let past: MongoDocument;
    if (dir === 1) past = v === null ? { [path]: { $ne: null } } : { [path]: { $gt: v } };
    else if (v === null) continue; // Nothing sorts after null in descending order.
    else past = path === '_id' ? { _id: { $lt: v } } : { $or: [{ [path]: { $lt: v } }, { [path]: { $eq: null } }] };
    const terms: MongoDocument[] = sort.slice(0, i).map((k, j) => ({ [k.path]: { $eq: values[j] } }));
    branches.push(terms.length === 0 ? past : { $and: [...terms, past] });
  }
  // The last key is `_id`, never null, so there is always a branch.
  return branches.length === 1 ? branches[0]! : { $or: branches };
}

/** The value at a dotted path as a cursor holds it (missing → null); a page boundary on an object or array cannot be encoded. */
export function sortValueAt(doc: Record<string, unknown>, path: string): ScalarValue {
  let node: unknown = doc;
  for (const segment of path.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return null;
    node = (node as Record<string, unknown>)[segment];
  }
  if (node === undefined || node === null) return null;
  if (typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean') return node;
  throw new ParleyError('STORE_BAD_QUERY', `Cannot page on "${path}": it holds an object or array; sort on a field holding strings or numbers.`, { details: { path } });
}

/**
 * The update document of a checked update. `$push` always uses `$each`, so a
 * pushed object is stored as given even if it has a key named `$each`.
 * `newId` becomes the `_id` of an upserted document (MongoDB would make an
 * ObjectId; the contract promises string ids).
 */
export function toMongoUpdate(update: ParsedUpdate, newId?: string): MongoDocument {
  const doc: MongoDocument = {};
  if (update.set.length) doc.$set = Object.fromEntries(update.set);
  if (update.unset.length) doc.$unset = Object.fromEntries(update.unset.map((path) => [path, '']));
  if (update.inc.length) doc.$inc = Object.fromEntries(update.inc);
  if (update.push.length) doc.$push = Object.fromEntries(update.push.map(([path, values]) => [path, { $each: values }]));
  if (newId !== undefined) doc.$setOnInsert = { _id: newId };
  return doc;
}

/** Index name for MongoDB, in the same `ix:`/`ux:` form as SQLite's so a duplicate-key message names the fields. */
export function mongoIndexName(fields: string[], unique: boolean): string {
  return `${unique ? 'ux' : 'ix'}:${fields.join(',')}`;
}

/**
 * A unique index ignores documents missing any of its fields (SQLite's NULLs
 * are distinct; MongoDB would index a missing field as null and allow only one).
 */
export function uniquePartialFilter(fields: string[]): MongoDocument {
  return Object.fromEntries(fields.map((f) => [f, { $exists: true }]));
}

/** The fields of a duplicate-key error: from `keyPattern` when the server sends it, else from the index name in the message. */
export function duplicateKeyFields(error: { keyPattern?: unknown; errmsg?: unknown; message?: unknown }): string[] | undefined {
  if (error.keyPattern && typeof error.keyPattern === 'object') {
    const fields = Object.keys(error.keyPattern);
    if (fields.length) return fields;
  }
  const text = typeof error.errmsg === 'string' ? error.errmsg : typeof error.message === 'string' ? error.message : '';
  const index = /index: (\S+) dup key/.exec(text)?.[1];
  if (!index) return undefined;
  if (index === '_id_') return ['_id'];
  const match = /^[iu]x:(.+)$/.exec(index);
  return match ? match[1]!.split(',') : undefined;
}
