/**
 * The pure pieces both adapters share: query parsing, update semantics,
 * cursors, names. The contract suite covers their behaviour through the
 * adapters; these pin the details an adapter cannot show (normal forms,
 * messages that say what to fix).
 */
import { describe, expect, it } from 'vitest';
import { applyUpdate, parseUpdate } from '../../engine/store/apply-update.js';
import { createId } from '../../engine/store/create-id.js';
import { decodeCursor, encodeCursor, queryFingerprint } from '../../engine/store/page-cursor.js';
import { parseFilter, parseLimit, parseSort } from '../../engine/store/parse-query.js';
import { prepareDocument } from '../../engine/store/prepare-document.js';
import { jsonPath, whereSql } from '../../engine/store/sqlite-sql.js';
import { checkCollectionName, checkFieldPath } from '../../engine/store/store-names.js';

describe('parseFilter and parseSort', () => {
  it('turns a filter into one condition per operator', () => {
    expect(parseFilter({ a: 1, 'b.c': { $gte: 'x', $lt: 'y' }, d: { $in: [1, null] }, e: { $exists: true } })).toEqual([
      { path: 'a', op: 'eq', value: 1 },
      { path: 'b.c', op: 'gte', value: 'x' },
      { path: 'b.c', op: 'lt', value: 'y' },
      { path: 'd', op: 'in', values: [1, null] },
      { path: 'e', op: 'exists', value: true },
    ]);
  });

  it('says what to do instead in its errors', () => {
    expect(() => parseFilter({ a: [1] })).toThrow(/use \{ \$in: \[\.\.\.\] \}/);
    expect(() => parseFilter({ a: { b: 1 } })).toThrow(/dotted paths \("a\.b"\)/);
    expect(() => parseFilter({ a: new Date() })).toThrow(/ISO 8601 strings/);
    expect(() => parseFilter({ a: undefined })).toThrow(/leave the field out/);
  });

  it('adds the _id tie-breaker in the direction of the last key, and stops at _id', () => {
    expect(parseSort(undefined)).toEqual([{ path: '_id', dir: 1 }]);
    expect(parseSort({ at: -1 })).toEqual([
      { path: 'at', dir: -1 },
      { path: '_id', dir: -1 },
    ]);
    expect(parseSort({ _id: 1, later: 1 })).toEqual([{ path: '_id', dir: 1 }]);
    expect(parseLimit(undefined)).toBeUndefined();
    expect(() => parseLimit(-1)).toThrow(expect.objectContaining({ code: 'STORE_BAD_QUERY' }));
  });
});

describe('names', () => {
  it('accepts plain names and dotted paths only', () => {
    expect(checkCollectionName('call_events')).toBe('call_events');
    expect(checkFieldPath('contact.phone')).toBe('contact.phone');
    expect(checkFieldPath('_meta.x-y')).toBe('_meta.x-y');
    for (const bad of ['a.', '.a', 'a b', 'a"b', "a'b", 'a[0]', '$a', 'a.$b', 'a.0', 'a'.repeat(65), Array(17).fill('a').join('.')]) {
      expect(() => checkFieldPath(bad), bad).toThrow(expect.objectContaining({ code: 'STORE_BAD_NAME' }));
    }
  });

  it('quotes every path segment in SQL and binds every value', () => {
    expect(jsonPath('contact.phone')).toBe(`'$."contact"."phone"'`);
    const sql = whereSql(parseFilter({ s: "it's", n: { $in: [1, 2] } }));
    expect(sql.sql).not.toContain("it's");
    expect(sql.params).toEqual(["it's", '[1,2]']);
  });
});

describe('applyUpdate', () => {
  it('changes a document as MongoDB would and reports whether anything changed', () => {
    const doc: Record<string, unknown> = { _id: 'x', a: { b: 1 }, list: [] };
    expect(applyUpdate(doc, parseUpdate({ $set: { 'a.c': 2 }, $push: { list: { $each: [1, 2] } }, $inc: { 'n.m': 1 } }))).toBe(true);
    expect(doc).toEqual({ _id: 'x', a: { b: 1, c: 2 }, list: [1, 2], n: { m: 1 } });
    expect(applyUpdate(doc, parseUpdate({ $set: { 'a.c': 2 }, $unset: { missing: 1 } }))).toBe(false);
  });

  it('does not share values between documents updated with one update', () => {
    const update = parseUpdate({ $set: { tags: ['a'] } });
    const one: Record<string, unknown> = {};
    const two: Record<string, unknown> = {};
    applyUpdate(one, update);
    applyUpdate(two, update);
    (one.tags as string[]).push('b');
    expect(two.tags).toEqual(['a']);
  });

  it('refuses conflicting paths and updates with no JSON form', () => {
    expect(() => parseUpdate({ $set: { a: 1, 'a.b': 2 } })).toThrow(/change each path only once/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => parseUpdate({ $set: { a: cyclic } })).toThrow(expect.objectContaining({ code: 'STORE_BAD_UPDATE' }));
    expect(() => prepareDocument({ big: 1n })).toThrow(expect.objectContaining({ code: 'STORE_BAD_DOCUMENT' }));
  });
});

describe('cursors and ids', () => {
  const conditions = parseFilter({ status: 'live' });
  const sort = parseSort({ createdAt: -1 });
  const fingerprint = queryFingerprint(conditions, sort);

  it('round-trip a position for the same query, and only for it', () => {
    const cursor = encodeCursor(fingerprint, { values: ['2026-01-05T15:00:00.000Z'], id: 'c1' });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, fingerprint, 1)).toEqual({ values: ['2026-01-05T15:00:00.000Z'], id: 'c1' });
    expect(() => decodeCursor(cursor, queryFingerprint(parseFilter({ status: 'ended' }), sort), 1)).toThrow(expect.objectContaining({ code: 'STORE_BAD_CURSOR' }));
    expect(() => decodeCursor(cursor, fingerprint, 2)).toThrow(expect.objectContaining({ code: 'STORE_BAD_CURSOR' }));
    const forged = Buffer.from(JSON.stringify({ v: 1, q: fingerprint, k: [{ $gt: '' }], id: 'c1' })).toString('base64url');
    expect(() => decodeCursor(forged, fingerprint, 1)).toThrow(expect.objectContaining({ code: 'STORE_BAD_CURSOR' }));
  });

  it('makes string ids that sort by creation time', () => {
    const early = createId(Date.UTC(2026, 0, 1));
    const late = createId(Date.UTC(2026, 0, 2));
    expect(early < late).toBe(true);
    expect(early).toMatch(/^[0-9a-z]{25}$/);
    expect(new Set(Array.from({ length: 1000 }, () => createId(0))).size).toBe(1000);
  });
});
