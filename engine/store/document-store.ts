/**
 * The storage port: a small document store that both adapters (SQLite by
 * default, MongoDB in production) implement with the same behaviour, proven by
 * one contract test suite. Repositories and connectors are written once on it.
 *
 * Documents are plain JSON objects with a string `_id`. Field names in filters,
 * sorts, updates and indexes may be dotted paths (`contact.phone`).
 */

/** A stored document. `_id` is assigned by `insertOne` when missing. */
export interface Doc {
  _id: string;
  [field: string]: unknown;
}

/** Comparison on one field. Plain values mean equality. */
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

export interface Update {
  /** Field path → new value. */
  $set?: Record<string, unknown>;
  /** Field paths to remove. */
  $unset?: Record<string, true | 1 | ''>;
  /** Field path → number to add (missing counts as 0). */
  $inc?: Record<string, number>;
  /** Field path → value appended to the array there (created when missing). */
  $push?: Record<string, unknown>;
}

export type SortSpec = Record<string, 1 | -1>;

export interface FindOptions {
  sort?: SortSpec;
  limit?: number;
  /** Opaque cursor from a previous page's `next`. Requires the same filter and sort. */
  after?: string;
}

export interface Page<T> {
  items: T[];
  /** Cursor for the next page; absent on the last page. */
  next?: string;
}

export interface IndexSpec {
  /** Field paths, in order; a compound index when more than one. */
  fields: string[];
  unique?: boolean;
}

export interface Collection<T extends Doc = Doc> {
  readonly name: string;
  /** Inserts one document; fails with `STORE_DUPLICATE_KEY` when a unique index is violated. */
  insertOne(doc: Omit<T, '_id'> & { _id?: string }): Promise<T>;
  insertMany(docs: Array<Omit<T, '_id'> & { _id?: string }>): Promise<T[]>;
  findOne(filter: Filter, options?: { sort?: SortSpec }): Promise<T | null>;
  /** One page of matching documents, in `sort` order (then `_id`), at most `limit`. */
  find(filter: Filter, options?: FindOptions): Promise<Page<T>>;
  count(filter?: Filter): Promise<number>;
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

export interface DocumentStore {
  /** `sqlite` or `mongodb`. */
  readonly kind: string;
  collection<T extends Doc = Doc>(name: string): Collection<T>;
  /** True when the store answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
