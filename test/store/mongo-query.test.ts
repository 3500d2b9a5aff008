/**
 * The MongoDB adapter's pure translation, tested without a server (the
 * contract suite runs the adapter itself when MONGODB_URI is set).
 */
import { describe, expect, it } from 'vitest';
import { parseUpdate } from '../../engine/store/apply-update.js';
import { duplicateKeyFields, mongoIndexName, sortValueAt, toMongoAfter, toMongoFilter, toMongoSort, toMongoUpdate, uniquePartialFilter } from '../../engine/store/mongo-query.js';
import { dbNameFromUri, openMongoStore } from '../../engine/store/mongo-store.js';
import type { SortSpec } from '../../engine/store/document-store.js';
import { parseFilter, parseSort, type ScalarValue } from '../../engine/store/parse-query.js';

describe('toMongoFilter', () => {
  it('uses the operator form for every condition, merging conditions on one path', () => {
    expect(toMongoFilter(parseFilter({ s: 'x', 'a.b': null, n: { $gte: 2, $lt: 5 }, t: { $in: ['a', 1, null] }, e: { $exists: false }, f: { $ne: true } }))).toEqual({
      s: { $eq: 'x' },
      'a.b': { $eq: null },
      n: { $gte: 2, $lt: 5 },
      t: { $in: ['a', 1, null] },
      e: { $exists: false },
      f: { $ne: true },
    });
    expect(toMongoFilter(parseFilter({}))).toEqual({});
  });

  it('never passes a caller\'s operator through unchecked', () => {
    expect(() => toMongoFilter(parseFilter({ $where: 'true' }))).toThrow(expect.objectContaining({ code: 'STORE_BAD_QUERY' }));
    expect(() => toMongoFilter(parseFilter({ n: { $expr: {} } }))).toThrow(expect.objectContaining({ code: 'STORE_BAD_QUERY' }));
    expect(() => toMongoFilter(parseFilter({ n: { $regex: '.*' } }))).toThrow(expect.objectContaining({ code: 'STORE_BAD_QUERY' }));
  });
});

describe('toMongoSort', () => {
  it('keeps key order and ends with the _id tie-breaker in the last key\'s direction', () => {
    expect(Object.entries(toMongoSort(parseSort({ b: 1, a: -1 })))).toEqual([
      ['b', 1],
      ['a', -1],
      ['_id', -1],
    ]);
  });
});

/**
 * Evaluates the few operators `toMongoAfter` emits, with MongoDB's rules for
 * scalars of one type ($eq null matches missing; $ne null needs a value;
 * $gt/$lt compare values of the same type only). Enough to check that the
 * branches select exactly the documents after the cursor.
 */
function matches(doc: Record<string, unknown>, query: Record<string, unknown>): boolean {
  return Object.entries(query).every(([key, cond]) => {
    if (key === '$and') return (cond as Array<Record<string, unknown>>).every((q) => matches(doc, q));
    if (key === '$or') return (cond as Array<Record<string, unknown>>).some((q) => matches(doc, q));
    const value = (doc[key] ?? null) as ScalarValue;
    return Object.entries(cond as Record<string, ScalarValue>).every(([op, arg]) => {
      const sameType = value !== null && arg !== null && typeof value === typeof arg;
      switch (op) {
        case '$eq':
          return value === arg;
        case '$ne':
          return value !== arg;
        case '$gt':
          return sameType && value! > arg!;
        case '$lt':
          return sameType && value! < arg!;
        default:
          throw new Error(`unexpected operator ${op}`);
      }
    });
  });
}

/** MongoDB's order for one-type fields: null/missing first. */
function compare(a: Record<string, unknown>, b: Record<string, unknown>, sort: Array<{ path: string; dir: 1 | -1 }>): number {
  for (const { path, dir } of sort) {
    const [x, y] = [(a[path] ?? null) as ScalarValue, (b[path] ?? null) as ScalarValue];
    if (x === y) continue;
    const order = x === null ? -1 : y === null ? 1 : x! < y! ? -1 : 1;
    return order * dir;
  }
  return 0;
}

describe('toMongoAfter', () => {
  const docs = Array.from({ length: 30 }, (_, i) => ({
    _id: `d${String(i).padStart(2, '0')}`,
    ...(i % 3 === 0 ? {} : { a: i % 4 }),
    ...(i % 5 === 0 ? { b: null } : { b: `s${i % 3}` }),
  }));

  for (const spec of [{ a: 1 }, { a: -1 }, { a: 1, b: -1 }, { b: -1, a: 1 }, { _id: -1 }] as SortSpec[]) {
    it(`selects exactly the documents after each position, sort ${JSON.stringify(spec)}`, () => {
      const sort = parseSort(spec);
      const ordered = [...docs].sort((x, y) => compare(x, y, sort));
      ordered.forEach((last, index) => {
        const position = { values: sort.slice(0, -1).map((k) => sortValueAt(last, k.path)), id: last._id };
        const query = toMongoAfter(sort, position);
        const after = ordered.filter((doc) => matches(doc, query)).map((d) => d._id);
        expect(after, `after ${last._id}`).toEqual(ordered.slice(index + 1).map((d) => d._id));
      });
    });
  }
});

describe('toMongoUpdate', () => {
  it('maps each operator, pushes with $each, and sets a string _id only on insert', () => {
    const update = parseUpdate({ $set: { 'a.b': 1, when: new Date(0) }, $unset: { gone: 1 }, $inc: { n: 2 }, $push: { list: { $each: [1, 2] }, one: { $eachLike: 1 } } });
    expect(toMongoUpdate(update, 'new-id')).toEqual({
      $set: { 'a.b': 1, when: '1970-01-01T00:00:00.000Z' },
      $unset: { gone: '' },
      $inc: { n: 2 },
      $push: { list: { $each: [1, 2] }, one: { $each: [{ $eachLike: 1 }] } },
      $setOnInsert: { _id: 'new-id' },
    });
    expect(toMongoUpdate(parseUpdate({ $set: { x: undefined, y: 1 } }))).toEqual({ $set: { y: 1 } });
  });
});

describe('indexes and errors', () => {
  it('names indexes by their fields and makes unique ones ignore documents missing a field', () => {
    expect(mongoIndexName(['flowId', 'version'], true)).toBe('ux:flowId,version');
    expect(mongoIndexName(['callId'], false)).toBe('ix:callId');
    expect(uniquePartialFilter(['flowId', 'version'])).toEqual({ flowId: { $exists: true }, version: { $exists: true } });
  });

  it('reads the fields of a duplicate-key error from keyPattern or from the index name', () => {
    expect(duplicateKeyFields({ keyPattern: { 'contact.phone': 1 } })).toEqual(['contact.phone']);
    expect(duplicateKeyFields({ errmsg: 'E11000 duplicate key error collection: db.flows index: ux:flowId,version dup key: { flowId: "f", version: 2 }' })).toEqual([
      'flowId',
      'version',
    ]);
    expect(duplicateKeyFields({ message: 'E11000 duplicate key error collection: db.flows index: _id_ dup key: { _id: "a" }' })).toEqual(['_id']);
    expect(duplicateKeyFields({ message: 'something else' })).toBeUndefined();
  });

  it('reads page values at dotted paths, refusing objects', () => {
    expect(sortValueAt({ a: { b: 2 } }, 'a.b')).toBe(2);
    expect(sortValueAt({ a: 'x' }, 'a.b')).toBeNull();
    expect(sortValueAt({}, 'a')).toBeNull();
    expect(() => sortValueAt({ a: { b: 1 } }, 'a')).toThrow(expect.objectContaining({ code: 'STORE_BAD_QUERY' }));
  });
});

describe('openMongoStore', () => {
  it('takes the database from the URI, else parley', () => {
    expect(dbNameFromUri('mongodb://user:pw@h1:27017,h2:27017/prod?replicaSet=rs0')).toBe('prod');
    expect(dbNameFromUri('mongodb+srv://cluster.example.net/app')).toBe('app');
    expect(dbNameFromUri('mongodb://localhost:27017')).toBeUndefined();
    expect(dbNameFromUri('mongodb://localhost:27017/?w=1')).toBeUndefined();
  });

  it('fails with STORE_UNAVAILABLE, without the password, when no server answers (loopback only)', async () => {
    const error = await openMongoStore({ uri: 'mongodb://parley:s3cret-pw@127.0.0.1:1/parley', serverSelectionTimeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(String((error as Error).message)).not.toContain('s3cret-pw');
  });
});
