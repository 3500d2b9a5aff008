/**
 * The storage port: a small document store that both adapters (SQLite by
 * default, MongoDB in production) implement with the same behaviour, proven by
 * one contract test suite. Repositories and connectors are written once on it.
 *
 * Documents are plain JSON objects with a string `_id`; what is stored is the
 * document's JSON form (a Date becomes its ISO string). Field names in filters,
 * sorts, updates and indexes may be dotted paths (`contact.phone`) of names made
 * of letters, digits, `_` and `-`; anything else fails with `STORE_BAD_NAME`.
 *
 * Semantics both adapters share (test/store/document-store-contract.ts):
 * - Comparisons are by type, as in MongoDB: `5` never matches `"5"`, `true`
 *   never matches `1`, `$gt: 5` only matches numbers. `null` matches null and
 *   missing fields; `$ne` matches missing fields too.
 * - Filtering on array fields or comparing whole objects is not supported
 *   (filter on an object's fields with dotted paths).
 * - Sorting puts missing fields first (ascending); mixed types in one sort
 *   field order differently per adapter: keep a sort field to one type.
 */

/** A stored document. `_id` is assigned by `insertOne` when missing. */
export interface Doc {
  _id: string;
  [field: string]: unknown;
}

/** Comparison on one field. Plain values mean equality. Values are strings, numbers, booleans or null. */
export interface FieldCondition {
  $eq?: unknown;
  $ne?: unknown;
  $gt?: string | number;
  $gte?: string | number;
  $lt?: string | number;
  $lte?: string | number;
  $in?: unknown[];
  $exists?: boolean;
}

/** Field path → value (equality) or condition; all must hold. */
export type Filter = Record<string, unknown | FieldCondition>;

/** Operators on distinct paths (never `_id`); a path and its parent cannot both change in one update. */
export interface Update {
  /** Field path → new value. */
  $set?: Record<string, unknown>;
  /** Field paths to remove. */
  $unset?: Record<string, true | 1 | ''>;
  /** Field path → number to add (missing counts as 0). */
  $inc?: Record<string, number>;
  /** Field path → value appended to the array there (created when missing); `{ $each: [a, b] }` appends several. */
  $push?: Record<string, unknown>;
}

/** Field path → 1 (ascending) or -1 (descending); ties are broken by `_id` in the direction of the last key. */
export type SortSpec = Record<string, 1 | -1>;

export interface FindOptions {
  sort?: SortSpec;
  /** Page size, a positive whole number; without it, every match in one page. */
  limit?: number;
  /** Opaque cursor from a previous page's `next`. Requires the same filter and sort. */
  after?: string;
}

/** One page of a `find`. */
export interface Page<T> {
  items: T[];
  /** Cursor for the next page; absent on the last page. */
  next?: string;
}

export interface IndexSpec {
  /** Field paths, in order; a compound index when more than one. */
  fields: string[];
  /** Refuse a second document with the same values. Documents missing one of the fields are not held to it. */
  unique?: boolean;
}

export interface Collection<T extends Doc = Doc> {
  readonly name: string;
  /** Inserts one document; fails with `STORE_DUPLICATE_KEY` when a unique index is violated. */
  insertOne(doc: Omit<T, '_id'> & { _id?: string }): Promise<T>;
  /** Inserts in order; on the first failure, stops and throws, keeping the documents before it (`details.insertedCount`). */
  insertMany(docs: Array<Omit<T, '_id'> & { _id?: string }>): Promise<T[]>;
  findOne(filter: Filter, options?: { sort?: SortSpec }): Promise<T | null>;
  /** One page of matching documents, in `sort` order (then `_id`), at most `limit`. */
  find(filter: Filter, options?: FindOptions): Promise<Page<T>>;
  count(filter?: Filter): Promise<number>;
  /**
   * Updates one matching document. With `upsert` and no match, inserts the
   * filter's equality fields plus the update (with a new string `_id` unless the
   * filter fixes one). `modified` is 0 when the update changed nothing.
   */
  updateOne(filter: Filter, update: Update, options?: { upsert?: boolean }): Promise<{ matched: number; modified: number; upsertedId?: string }>;
  updateMany(filter: Filter, update: Update): Promise<{ matched: number; modified: number }>;
  /**
   * The atomic conditional update: applies `update` to one document matching
   * `filter` and returns it (after the update by default), or null when none
   * matched. No other writer can interleave between the match and the write.
   */
  findOneAndUpdate(filter: Filter, update: Update, options?: { returnDocument?: 'before' | 'after'; upsert?: boolean; sort?: SortSpec }): Promise<T | null>;
  deleteOne(filter: Filter): Promise<number>;
  deleteMany(filter: Filter): Promise<number>;
  /** Idempotent: creating an existing index again is a no-op. */
  createIndex(spec: IndexSpec): Promise<void>;
}

/** A database of named collections: `openStore()` picks the adapter. */
export interface DocumentStore {
  /** `sqlite` or `mongodb`. */
  readonly kind: string;
  /** The collection with this name (created on first use). Names: letters, digits, `_`, `-`, dots between parts. */
  collection<T extends Doc = Doc>(name: string): Collection<T>;
  /** True when the store answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
