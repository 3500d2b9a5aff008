/**
 * The behaviour every document-store adapter must have, as one suite that
 * `document-store.contract.test.ts` runs against each adapter. A case belongs
 * here when the port promises it; adapter-specific behaviour (files, locks,
 * connection strings) is tested beside its adapter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collection, Doc, DocumentStore, SortSpec, Update } from '../../engine/store/document-store.js';

/** Opens a fresh, empty store for the suite; `dispose` closes it and removes what it created. */
export type OpenTarget = () => Promise<{ store: DocumentStore; dispose(): Promise<void> }>;

interface Item extends Doc {
  n?: number | string | boolean | null;
  s?: string;
  tag?: string;
  nested?: { a?: number; b?: { c?: string } };
  list?: unknown[];
}

const ids = (docs: Doc[]) => docs.map((d) => d._id);

export function documentStoreContract(label: string, openTarget: OpenTarget): void {
  describe(`document store contract: ${label}`, () => {
    let store: DocumentStore;
    let dispose: () => Promise<void>;
    let counter = 0;
    /** A fresh collection per test, so cases never see each other's documents. */
    const fresh = <T extends Doc = Item>(): Collection<T> => store.collection<T>(`c${++counter}_${Date.now().toString(36)}`);

    beforeAll(async () => {
      ({ store, dispose } = await openTarget());
    });
    afterAll(async () => {
      await dispose?.();
    });

    describe('insert and read', () => {
      it('assigns a string _id when missing, puts it first, and returns the stored document', async () => {
        const c = fresh();
        const doc = await c.insertOne({ s: 'x', nested: { a: 1 } });
        expect(typeof doc._id).toBe('string');
        expect(doc._id.length).toBeGreaterThan(8);
        expect(Object.keys(doc)[0]).toBe('_id');
        const read = await c.findOne({ _id: doc._id });
        expect(read).toEqual(doc);
        expect(Object.keys(read!)[0]).toBe('_id');
      });

      it('keeps a given _id and refuses a second document with it (STORE_DUPLICATE_KEY naming _id)', async () => {
        const c = fresh();
        await c.insertOne({ _id: 'a', s: 'first' });
        await expect(c.insertOne({ _id: 'a', s: 'second' })).rejects.toMatchObject({
          code: 'STORE_DUPLICATE_KEY',
          details: { collection: c.name, fields: ['_id'] },
        });
        expect(await c.findOne({ _id: 'a' })).toEqual({ _id: 'a', s: 'first' });
      });

      it('stores the JSON form: Dates become ISO strings, undefined fields vanish', async () => {
        const c = fresh<Doc>();
        const at = new Date(Date.UTC(2026, 0, 5, 15, 0, 0));
        const doc = await c.insertOne({ _id: 'd', at, gone: undefined, keep: [1, 'two', null, { deep: true }] });
        expect(doc).toEqual({ _id: 'd', at: '2026-01-05T15:00:00.000Z', keep: [1, 'two', null, { deep: true }] });
        expect(await c.findOne({ _id: 'd' })).toEqual(doc);
      });

      it('refuses documents that are not objects, and ids that are not non-empty strings (STORE_BAD_DOCUMENT)', async () => {
        const c = fresh<Doc>();
        await expect(c.insertOne([] as never)).rejects.toMatchObject({ code: 'STORE_BAD_DOCUMENT' });
        await expect(c.insertOne({ _id: 5 } as never)).rejects.toMatchObject({ code: 'STORE_BAD_DOCUMENT' });
        await expect(c.insertOne({ _id: '' })).rejects.toMatchObject({ code: 'STORE_BAD_DOCUMENT' });
        expect(await c.count()).toBe(0);
      });

      it('insertMany inserts in order and stops at the first duplicate, keeping the ones before it', async () => {
        const c = fresh();
        await c.insertOne({ _id: 'b' });
        const error = await c.insertMany([{ _id: 'a' }, { _id: 'b' }, { _id: 'c' }]).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: 'STORE_DUPLICATE_KEY', details: { collection: c.name, fields: ['_id'], insertedCount: 1 } });
        expect(ids((await c.find({})).items)).toEqual(['a', 'b']);
        const many = await c.insertMany([{ s: 'x' }, { s: 'y' }]);
        expect(many.map((d) => d.s)).toEqual(['x', 'y']);
        expect(await c.count()).toBe(4);
      });

      it('keeps collections apart', async () => {
        const a = fresh();
        const b = fresh();
        await a.insertOne({ _id: 'same', s: 'in a' });
        await b.insertOne({ _id: 'same', s: 'in b' });
        expect((await a.findOne({ _id: 'same' }))?.s).toBe('in a');
        expect(await b.count()).toBe(1);
      });

      it('findOne returns null when nothing matches', async () => {
        expect(await fresh().findOne({ _id: 'nope' })).toBeNull();
      });
    });

    describe('filters', () => {
      let c: Collection<Item>;
      beforeAll(async () => {
        c = fresh();
        await c.insertMany([
          { _id: 'i1', n: 1, s: 'apple', nested: { a: 1, b: { c: 'x' } } },
          { _id: 'i2', n: 2, s: 'banana', nested: { a: 2 } },
          { _id: 'i3', n: 3, s: 'cherry' },
          { _id: 'f', n: 2.5 },
          { _id: 'str5', n: '5', s: 'five' },
          { _id: 'true', n: true },
          { _id: 'false', n: false },
          { _id: 'null', n: null },
          { _id: 'missing', s: 'none' },
        ]);
      });
      const match = async (filter: Record<string, unknown>) => ids((await c.find(filter)).items).sort();

      it('matches plain values by equality, on top-level and dotted paths', async () => {
        expect(await match({ n: 2 })).toEqual(['i2']);
        expect(await match({ s: 'apple' })).toEqual(['i1']);
        expect(await match({ 'nested.a': 2 })).toEqual(['i2']);
        expect(await match({ 'nested.b.c': 'x' })).toEqual(['i1']);
        expect(await match({ n: 2, s: 'banana' })).toEqual(['i2']);
        expect(await match({ n: 2, s: 'apple' })).toEqual([]);
        expect(await match({ n: { $eq: 3 } })).toEqual(['i3']);
      });

      it('compares types strictly: 5 is not "5", true is not 1, false is not 0', async () => {
        expect(await match({ n: 5 })).toEqual([]);
        expect(await match({ n: '5' })).toEqual(['str5']);
        expect(await match({ n: true })).toEqual(['true']);
        expect(await match({ n: false })).toEqual(['false']);
        expect(await match({ n: 1 })).toEqual(['i1']);
        expect(await match({ n: 0 })).toEqual([]);
      });

      it('null matches null and missing fields', async () => {
        expect(await match({ n: null })).toEqual(['missing', 'null']);
        expect(await match({ 'nested.a': null })).toEqual(['f', 'false', 'i3', 'missing', 'null', 'str5', 'true']);
      });

      it('$ne matches everything else, missing fields included', async () => {
        expect(await match({ n: { $ne: 2 } })).toEqual(['f', 'false', 'i1', 'i3', 'missing', 'null', 'str5', 'true']);
        expect(await match({ n: { $ne: null } })).toEqual(['f', 'false', 'i1', 'i2', 'i3', 'str5', 'true']);
        expect(await match({ n: { $ne: true } })).toEqual(['f', 'false', 'i1', 'i2', 'i3', 'missing', 'null', 'str5']);
        expect(await match({ s: { $ne: 'apple' }, n: { $ne: 2 } })).toEqual(['f', 'false', 'i3', 'missing', 'null', 'str5', 'true']);
      });

      it('ranges compare numbers with numbers and strings with strings only', async () => {
        expect(await match({ n: { $gt: 1 } })).toEqual(['f', 'i2', 'i3']);
        expect(await match({ n: { $gte: 2, $lt: 3 } })).toEqual(['f', 'i2']);
        expect(await match({ n: { $lte: 1 } })).toEqual(['i1']);
        expect(await match({ s: { $gte: 'b', $lt: 'd' } })).toEqual(['i2', 'i3']);
        expect(await match({ n: { $gt: '0' } })).toEqual(['str5']);
        expect(await match({ _id: { $gt: 'i', $lt: 'j' } })).toEqual(['i1', 'i2', 'i3']);
      });

      it('$in matches any listed value, each by its own type, null matching missing', async () => {
        expect(await match({ n: { $in: [1, 3, '5'] } })).toEqual(['i1', 'i3', 'str5']);
        expect(await match({ n: { $in: [true, null] } })).toEqual(['missing', 'null', 'true']);
        expect(await match({ n: { $in: ['1', 2.5] } })).toEqual(['f']);
        expect(await match({ n: { $in: [] } })).toEqual([]);
        expect(await match({ _id: { $in: ['i1', 'nope', 'true'] } })).toEqual(['i1', 'true']);
      });

      it('$exists tells present fields (null included) from missing ones', async () => {
        expect(await match({ n: { $exists: false } })).toEqual(['missing']);
        expect((await match({ n: { $exists: true } })).length).toBe(8);
        expect(await match({ 'nested.b': { $exists: true } })).toEqual(['i1']);
      });

      it('an empty filter matches everything; count agrees with find', async () => {
        expect((await match({})).length).toBe(9);
        expect(await c.count()).toBe(9);
        expect(await c.count({ n: { $gt: 1 } })).toBe(3);
      });

      it('refuses unsupported filters with STORE_BAD_QUERY and bad paths with STORE_BAD_NAME, changing nothing', async () => {
        const bad: Array<[Record<string, unknown>, string]> = [
          [{ $or: [{ n: 1 }] }, 'STORE_BAD_QUERY'],
          [{ n: { $regex: 'a' } }, 'STORE_BAD_QUERY'],
          [{ n: { $where: 'sleep(1)' } }, 'STORE_BAD_QUERY'],
          [{ nested: { a: 1 } }, 'STORE_BAD_QUERY'],
          [{ n: [1, 2] }, 'STORE_BAD_QUERY'],
          [{ n: undefined }, 'STORE_BAD_QUERY'],
          [{ n: {} }, 'STORE_BAD_QUERY'],
          [{ n: { $gt: true } }, 'STORE_BAD_QUERY'],
          [{ n: { $in: 'a' } }, 'STORE_BAD_QUERY'],
          [{ n: { $exists: 1 } }, 'STORE_BAD_QUERY'],
          [{ n: Number.NaN }, 'STORE_BAD_QUERY'],
          [{ 'a..b': 1 }, 'STORE_BAD_NAME'],
          [{ "n') OR 1=1 --": 1 }, 'STORE_BAD_NAME'],
          [{ 'n"': 1 }, 'STORE_BAD_NAME'],
          [{ 'a.$b': 1 }, 'STORE_BAD_NAME'],
          [{ '': 1 }, 'STORE_BAD_NAME'],
        ];
        for (const [filter, code] of bad) {
          await expect(c.find(filter), JSON.stringify(filter)).rejects.toMatchObject({ code });
          await expect(c.deleteMany(filter), JSON.stringify(filter)).rejects.toMatchObject({ code });
        }
        expect(await c.count()).toBe(9);
      });

      it('stores and matches values holding quotes and SQL verbatim', async () => {
        const q = fresh();
        const nasty = `x'); DROP TABLE "${q.name}"; --"`;
        await q.insertOne({ _id: nasty, s: nasty });
        expect((await q.findOne({ s: nasty }))?._id).toBe(nasty);
        expect(await q.count({ _id: { $in: [nasty] } })).toBe(1);
      });
    });

    describe('sort and pages', () => {
      it('sorts by several keys, missing values first ascending and last descending, then by _id', async () => {
        const c = fresh();
        await c.insertMany([
          { _id: 'b', n: 2, tag: 'x' },
          { _id: 'a', n: 2, tag: 'y' },
          { _id: 'c', n: 1, tag: 'x' },
          { _id: 'd', tag: 'x' },
          { _id: 'e', n: 3, tag: 'y' },
        ]);
        expect(ids((await c.find({}, { sort: { n: 1 } })).items)).toEqual(['d', 'c', 'a', 'b', 'e']);
        // The _id tie-breaker runs the same way as the last key.
        expect(ids((await c.find({}, { sort: { n: -1 } })).items)).toEqual(['e', 'b', 'a', 'c', 'd']);
        expect(ids((await c.find({}, { sort: { tag: 1, n: -1 } })).items)).toEqual(['b', 'c', 'd', 'e', 'a']);
        expect(ids((await c.find({}, { sort: { _id: -1 } })).items)).toEqual(['e', 'd', 'c', 'b', 'a']);
        expect(ids((await c.find({})).items)).toEqual(['a', 'b', 'c', 'd', 'e']);
        expect((await c.findOne({ tag: 'x' }, { sort: { n: -1 } }))?._id).toBe('b');
      });

      it('pages through every document exactly once, in order, with a cursor', async () => {
        const c = fresh();
        const docs = Array.from({ length: 23 }, (_, i) => ({ _id: `d${String(i).padStart(2, '0')}`, n: i % 4 === 0 ? undefined : i % 5, tag: i % 2 ? 'odd' : 'even' }));
        await c.insertMany(docs);
        for (const sort of [{ n: 1 }, { n: -1 }, { tag: 1, n: -1 }, { _id: -1 }] as SortSpec[]) {
          const all = ids((await c.find({}, { sort })).items);
          const seen: string[] = [];
          let after: string | undefined;
          let pages = 0;
          do {
            const page = await c.find({}, { sort, limit: 5, after });
            expect(page.items.length).toBeLessThanOrEqual(5);
            seen.push(...ids(page.items));
            after = page.next;
            pages++;
          } while (after && pages < 10); // Bounded: a cursor that never advances must fail, not hang.
          expect(seen, JSON.stringify(sort)).toEqual(all);
          expect(pages).toBe(5);
        }
      });

      it('has no next cursor on the last page, nor when there is no limit', async () => {
        const c = fresh();
        await c.insertMany([{ n: 1 }, { n: 2 }]);
        expect((await c.find({}, { limit: 2 })).next).toBeUndefined();
        expect((await c.find({}, { limit: 1 })).next).toEqual(expect.any(String));
        expect((await c.find({})).next).toBeUndefined();
      });

      it('stays stable when documents are inserted between pages', async () => {
        const c = fresh();
        await c.insertMany(Array.from({ length: 10 }, (_, i) => ({ _id: `k${i}`, n: i * 10 })));
        const first = await c.find({ n: { $gte: 0 } }, { sort: { n: 1 }, limit: 4 });
        expect(ids(first.items)).toEqual(['k0', 'k1', 'k2', 'k3']);
        // Before the cursor (never shown now), at the cursor's value, and after it.
        await c.insertMany([{ _id: 'early', n: 5 }, { _id: 'k3b', n: 30 }, { _id: 'late', n: 55 }]);
        const rest: string[] = [];
        let after = first.next;
        for (let guard = 0; after && guard < 10; guard++) {
          const page = await c.find({ n: { $gte: 0 } }, { sort: { n: 1 }, limit: 4, after });
          rest.push(...ids(page.items));
          after = page.next;
        }
        expect(rest).toEqual(['k3b', 'k4', 'k5', 'late', 'k6', 'k7', 'k8', 'k9']);
      });

      it('refuses a cursor from another query, a damaged one, and a bad limit', async () => {
        const c = fresh();
        await c.insertMany([{ n: 1, tag: 'a' }, { n: 2, tag: 'a' }, { n: 3, tag: 'b' }]);
        const { next } = await c.find({ tag: 'a' }, { sort: { n: 1 }, limit: 1 });
        expect(next).toBeDefined();
        await expect(c.find({ tag: 'b' }, { sort: { n: 1 }, limit: 1, after: next })).rejects.toMatchObject({ code: 'STORE_BAD_CURSOR' });
        await expect(c.find({ tag: 'a' }, { sort: { n: -1 }, limit: 1, after: next })).rejects.toMatchObject({ code: 'STORE_BAD_CURSOR' });
        await expect(c.find({ tag: 'a' }, { sort: { n: 1 }, limit: 1, after: 'not a cursor!' })).rejects.toMatchObject({ code: 'STORE_BAD_CURSOR' });
        await expect(c.find({ tag: 'a' }, { sort: { n: 1 }, limit: 1, after: Buffer.from('{"v":1}').toString('base64url') })).rejects.toMatchObject({
          code: 'STORE_BAD_CURSOR',
        });
        await expect(c.find({ tag: 'a' }, { sort: { n: 1 }, limit: 1, after: next!.slice(0, -3) })).rejects.toMatchObject({ code: 'STORE_BAD_CURSOR' });
        await expect(c.find({}, { limit: 0 })).rejects.toMatchObject({ code: 'STORE_BAD_QUERY' });
        await expect(c.find({}, { limit: 1.5 })).rejects.toMatchObject({ code: 'STORE_BAD_QUERY' });
        await expect(c.find({}, { sort: { n: 2 as 1 } })).rejects.toMatchObject({ code: 'STORE_BAD_QUERY' });
        await expect(c.find({}, { sort: { 'n;': 1 } })).rejects.toMatchObject({ code: 'STORE_BAD_NAME' });
        // The good cursor still works after all that.
        expect((await c.find({ tag: 'a' }, { sort: { n: 1 }, limit: 1, after: next })).items.map((d) => d.n)).toEqual([2]);
      });
    });

    describe('updates', () => {
      it('$set creates dotted paths, $unset removes, $inc adds (missing counts as 0), $push appends', async () => {
        const c = fresh<Doc>();
        await c.insertOne({ _id: 'u', a: { keep: 1 }, n: 5, gone: 'x', list: [1] });
        const result = await c.updateOne(
          { _id: 'u' },
          { $set: { 'a.b.c': 'deep', top: true }, $unset: { gone: 1, 'not.there': 1 }, $inc: { n: 2, fresh: 3 }, $push: { list: { two: 2 }, made: 'first' } },
        );
        expect(result).toEqual({ matched: 1, modified: 1 });
        expect(await c.findOne({ _id: 'u' })).toEqual({ _id: 'u', a: { keep: 1, b: { c: 'deep' } }, n: 7, list: [1, { two: 2 }], top: true, fresh: 3, made: ['first'] });
        await c.updateOne({ _id: 'u' }, { $push: { list: { $each: [3, 4] } }, $inc: { n: -0.5 } });
        expect(await c.findOne({ _id: 'u' })).toMatchObject({ list: [1, { two: 2 }, 3, 4], n: 6.5 });
      });

      it('reports matched and modified like MongoDB: setting the same value modifies nothing', async () => {
        const c = fresh();
        await c.insertMany([{ _id: 'a', s: 'x' }, { _id: 'b', s: 'x' }, { _id: 'c', s: 'y' }]);
        expect(await c.updateOne({ _id: 'a' }, { $set: { s: 'x' } })).toEqual({ matched: 1, modified: 0 });
        expect(await c.updateOne({ _id: 'zz' }, { $set: { s: 'x' } })).toEqual({ matched: 0, modified: 0 });
        expect(await c.updateMany({ s: 'x' }, { $set: { tag: 't' } })).toEqual({ matched: 2, modified: 2 });
        expect(await c.updateMany({}, { $set: { tag: 't' } })).toEqual({ matched: 3, modified: 1 });
        expect(await c.count({ tag: 't' })).toBe(3);
      });

      it('upsert builds the new document from the filter\'s equalities and the update, with a string _id', async () => {
        const c = fresh<Doc>();
        const result = await c.updateOne({ 'owner.id': 'o1', kind: 'k', n: { $gt: 3 } }, { $set: { s: 'new' }, $inc: { count: 1 } }, { upsert: true });
        expect(result).toMatchObject({ matched: 0, modified: 0, upsertedId: expect.any(String) });
        const doc = await c.findOne({ _id: result.upsertedId! });
        expect(doc).toEqual({ _id: result.upsertedId, owner: { id: 'o1' }, kind: 'k', s: 'new', count: 1 });
        expect(await c.updateOne({ 'owner.id': 'o1', kind: 'k' }, { $inc: { count: 1 } }, { upsert: true })).toEqual({ matched: 1, modified: 1 });
        const named = await c.updateOne({ _id: 'given' }, { $set: { s: 'z' } }, { upsert: true });
        expect(named).toEqual({ matched: 0, modified: 0, upsertedId: 'given' });
        expect(await c.findOne({ _id: 'given' })).toEqual({ _id: 'given', s: 'z' });
      });

      it('refuses malformed updates (STORE_BAD_UPDATE) and changes nothing', async () => {
        const c = fresh<Doc>();
        await c.insertOne({ _id: 'u', s: 'text', n: 1, a: { b: 1 } });
        const bad: Array<[Record<string, unknown>, string]> = [
          [{ $rename: { s: 't' } }, 'STORE_BAD_UPDATE'],
          [{ s: 'replacement' }, 'STORE_BAD_UPDATE'],
          [{}, 'STORE_BAD_UPDATE'],
          [{ $set: {} }, 'STORE_BAD_UPDATE'],
          [{ $set: { _id: 'other' } }, 'STORE_BAD_UPDATE'],
          [{ $set: { a: 1 }, $inc: { 'a.b': 1 } }, 'STORE_BAD_UPDATE'],
          [{ $set: { n: 1 }, $unset: { n: 1 } }, 'STORE_BAD_UPDATE'],
          [{ $inc: { n: '1' } }, 'STORE_BAD_UPDATE'],
          [{ $push: { list: { $each: 'x' } } }, 'STORE_BAD_UPDATE'],
          [{ $set: { 'a.$x': 1 } }, 'STORE_BAD_NAME'],
          [{ $set: { "a'); --": 1 } }, 'STORE_BAD_NAME'],
        ];
        for (const [update, code] of bad) {
          await expect(c.updateOne({ _id: 'u' }, update), JSON.stringify(update)).rejects.toMatchObject({ code });
          await expect(c.findOneAndUpdate({ _id: 'u' }, update), JSON.stringify(update)).rejects.toMatchObject({ code });
        }
        expect(await c.findOne({ _id: 'u' })).toEqual({ _id: 'u', s: 'text', n: 1, a: { b: 1 } });
      });

      it('refuses updates the stored document cannot take (STORE_BAD_UPDATE) and keeps it unchanged', async () => {
        const c = fresh<Doc>();
        await c.insertOne({ _id: 'u', s: 'text', n: 1, nil: null });
        for (const update of [{ $inc: { s: 1 } }, { $push: { n: 2 } }, { $set: { 's.inner': 1 } }, { $inc: { nil: 1 } }, { $set: { n: 2, 'nil.x': 1 } }] as Update[]) {
          await expect(c.updateOne({ _id: 'u' }, update), JSON.stringify(update)).rejects.toMatchObject({ code: 'STORE_BAD_UPDATE' });
        }
        expect(await c.findOne({ _id: 'u' })).toEqual({ _id: 'u', s: 'text', n: 1, nil: null });
      });

      it('findOneAndUpdate returns the document after the update, or before when asked, or null', async () => {
        const c = fresh();
        await c.insertMany([{ _id: 'a', n: 1, tag: 't' }, { _id: 'b', n: 2, tag: 't' }]);
        expect(await c.findOneAndUpdate({ _id: 'a' }, { $inc: { n: 10 } })).toEqual({ _id: 'a', n: 11, tag: 't' });
        expect(await c.findOneAndUpdate({ _id: 'a' }, { $inc: { n: 10 } }, { returnDocument: 'before' })).toEqual({ _id: 'a', n: 11, tag: 't' });
        expect(await c.findOneAndUpdate({ _id: 'zz' }, { $inc: { n: 1 } })).toBeNull();
        expect((await c.findOneAndUpdate({ tag: 't' }, { $set: { s: 'picked' } }, { sort: { n: 1 } }))?._id).toBe('b');
        expect((await c.findOneAndUpdate({ tag: 't' }, { $set: { s: 'picked' } }, { sort: { n: -1 } }))?._id).toBe('a');
        const made = await c.findOneAndUpdate({ _id: 'counter' }, { $inc: { n: 1 } }, { upsert: true });
        expect(made).toEqual({ _id: 'counter', n: 1 });
        expect(await c.findOneAndUpdate({ _id: 'new2' }, { $inc: { n: 1 } }, { upsert: true, returnDocument: 'before' })).toBeNull();
        expect(await c.findOne({ _id: 'new2' })).toEqual({ _id: 'new2', n: 1 });
      });

      it('findOneAndUpdate is atomic: 50 concurrent increments hand out 50 distinct values', async () => {
        const c = fresh();
        await c.insertOne({ _id: 'seq', n: 0 });
        const got = await Promise.all(Array.from({ length: 50 }, () => c.findOneAndUpdate({ _id: 'seq' }, { $inc: { n: 1 } })));
        expect(got.map((d) => d!.n as number).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      });

      it('findOneAndUpdate with a condition claims each document once under concurrency', async () => {
        const c = fresh();
        await c.insertMany(Array.from({ length: 10 }, (_, i) => ({ _id: `job${i}`, tag: 'open', n: i })));
        const claims = await Promise.all(
          Array.from({ length: 15 }, (_, worker) => c.findOneAndUpdate({ tag: 'open' }, { $set: { tag: 'taken', s: `w${worker}` } }, { sort: { n: 1 } })),
        );
        const won = claims.filter((d) => d !== null);
        expect(won.length).toBe(10);
        expect(new Set(won.map((d) => d!._id)).size).toBe(10);
        expect(await c.count({ tag: 'open' })).toBe(0);
      });
    });

    describe('delete', () => {
      it('deleteOne removes one match, deleteMany all, and both count', async () => {
        const c = fresh();
        await c.insertMany([{ tag: 'x' }, { tag: 'x' }, { tag: 'x' }, { tag: 'y' }]);
        expect(await c.deleteOne({ tag: 'x' })).toBe(1);
        expect(await c.deleteOne({ tag: 'nope' })).toBe(0);
        expect(await c.deleteMany({ tag: 'x' })).toBe(2);
        expect(await c.count()).toBe(1);
        expect(await c.deleteMany({})).toBe(1);
      });
    });

    describe('indexes', () => {
      it('a unique index refuses a second document with the same value, naming collection and field', async () => {
        const c = fresh<Doc>();
        await c.createIndex({ fields: ['contact.phone'], unique: true });
        await c.insertOne({ _id: 'a', contact: { phone: '+15125550100' } });
        await expect(c.insertOne({ _id: 'b', contact: { phone: '+15125550100' } })).rejects.toMatchObject({
          code: 'STORE_DUPLICATE_KEY',
          details: { collection: c.name, fields: ['contact.phone'] },
          message: expect.stringContaining(c.name),
        });
        await c.insertOne({ _id: 'c', contact: { phone: '+15125550101' } });
        // Updates and upserts are held to it too, and leave the document as it was.
        await expect(c.updateOne({ _id: 'c' }, { $set: { 'contact.phone': '+15125550100' } })).rejects.toMatchObject({ code: 'STORE_DUPLICATE_KEY' });
        await expect(c.findOneAndUpdate({ _id: 'c' }, { $set: { 'contact.phone': '+15125550100' } })).rejects.toMatchObject({ code: 'STORE_DUPLICATE_KEY' });
        await expect(c.updateOne({ _id: 'd' }, { $set: { 'contact.phone': '+15125550100' } }, { upsert: true })).rejects.toMatchObject({ code: 'STORE_DUPLICATE_KEY' });
        expect(await c.findOne({ _id: 'c' })).toEqual({ _id: 'c', contact: { phone: '+15125550101' } });
        expect(await c.count()).toBe(2);
      });

      it('a compound unique index refuses only the same combination', async () => {
        const c = fresh<Doc>();
        await c.createIndex({ fields: ['flowId', 'version'], unique: true });
        await c.insertOne({ flowId: 'f', version: 1 });
        await c.insertOne({ flowId: 'f', version: 2 });
        await c.insertOne({ flowId: 'g', version: 1 });
        await expect(c.insertOne({ flowId: 'f', version: 2 })).rejects.toMatchObject({
          code: 'STORE_DUPLICATE_KEY',
          details: { collection: c.name, fields: ['flowId', 'version'] },
        });
      });

      it('documents missing a uniquely indexed field are not held to it', async () => {
        const c = fresh<Doc>();
        await c.createIndex({ fields: ['sid'], unique: true });
        await c.insertMany([{ s: 'no sid' }, { s: 'no sid either' }, { sid: 'CA1' }]);
        await expect(c.insertOne({ sid: 'CA1' })).rejects.toMatchObject({ code: 'STORE_DUPLICATE_KEY' });
        expect(await c.count()).toBe(3);
      });

      it('creating an index again is a no-op; a unique index over duplicates fails with STORE_DUPLICATE_KEY', async () => {
        const c = fresh<Doc>();
        await c.createIndex({ fields: ['tag'] });
        await c.createIndex({ fields: ['tag'] });
        await c.createIndex({ fields: ['tag', 'n'] });
        await c.insertMany([{ tag: 'x', s: 'same' }, { tag: 'x', s: 'same' }]);
        await expect(c.createIndex({ fields: ['s'], unique: true })).rejects.toMatchObject({ code: 'STORE_DUPLICATE_KEY' });
        await expect(c.createIndex({ fields: [] })).rejects.toMatchObject({ code: 'STORE_BAD_QUERY' });
        await expect(c.createIndex({ fields: ['a b'] })).rejects.toMatchObject({ code: 'STORE_BAD_NAME' });
        expect(await c.count({ tag: 'x' })).toBe(2);
      });
    });

    describe('names and lifecycle', () => {
      it('refuses collection names that are not plain names (STORE_BAD_NAME)', () => {
        for (const name of ['', 'a b', 'x"; DROP TABLE y; --', '$cmd', '_hidden', 'sqlite_master', 'a..b', 'a.', 'x'.repeat(300), 'system.users']) {
          expect(() => store.collection(name), name).toThrow(expect.objectContaining({ code: 'STORE_BAD_NAME' }));
        }
        expect(store.collection('conn_crm.contacts').name).toBe('conn_crm.contacts');
      });

      it('answers ping', async () => {
        expect(await store.ping()).toBe(true);
      });

      it('after close, ping is false and operations fail with STORE_UNAVAILABLE', async () => {
        const other = await openTarget();
        const c = other.store.collection('closing');
        await c.insertOne({ _id: 'x' });
        await other.store.close();
        expect(await other.store.ping()).toBe(false);
        await expect(c.findOne({ _id: 'x' })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
        await expect(c.insertOne({ _id: 'y' })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
        await other.dispose();
      });
    });
  });
}
