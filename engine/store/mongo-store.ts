/**
 * The MongoDB adapter of the document-store port (production, and the way past
 * one machine). Same behaviour as the SQLite adapter, proven by the same
 * contract suite when MONGODB_URI is set: every filter, sort and update is
 * checked by the shared parsers first, then translated by `mongo-query.ts`.
 *
 * Differences the contract allows, documented in docs/storage.md:
 * - `updateMany` is per document, not all or nothing (no transaction).
 * - Field names inside stored values may not start with `$` in `$set` values
 *   (MongoDB refuses them there); inserts accept them.
 */
import { MongoBulkWriteError, MongoClient, MongoServerError, type Collection as DriverCollection, type Db, type Filter as DriverFilter, type Sort, type UpdateFilter } from 'mongodb';
import { ParleyError } from '../errors/parley-error.js';
import { parseUpdate } from './apply-update.js';
import { createId } from './create-id.js';
import type { Collection, Doc, DocumentStore, Filter, FindOptions, IndexSpec, Page, SortSpec, Update } from './document-store.js';
import { duplicateKeyError } from './duplicate-key-error.js';
import { duplicateKeyFields, mongoIndexName, sortValueAt, toMongoAfter, toMongoFilter, toMongoSort, toMongoUpdate, uniquePartialFilter } from './mongo-query.js';
import { decodeCursor, encodeCursor, queryFingerprint } from './page-cursor.js';
import { equalitySeeds, parseFilter, parseIndexFields, parseLimit, parseSort, type Condition } from './parse-query.js';
import { checkId, prepareDocument } from './prepare-document.js';
import { checkCollectionName } from './store-names.js';

/** How to reach MongoDB. */
export interface MongoStoreOptions {
  /** Connection string, e.g. `mongodb://localhost:27017/parley` (MONGODB_URI). */
  uri: string;
  /** Database name; default: the one in the URI, else `parley`. */
  dbName?: string;
  /** How long to look for a server before failing with `STORE_UNAVAILABLE`, in ms. Default 10000. */
  serverSelectionTimeoutMs?: number;
}

/** A document store on one MongoDB database. */
export interface MongoStore extends DocumentStore {
  readonly kind: 'mongodb';
  readonly dbName: string;
  /** Drops the whole database (tests use it to clean up after themselves). */
  dropDatabase(): Promise<void>;
}

interface StoredDoc {
  _id: string;
  [field: string]: unknown;
}

/** MongoDB error codes meaning the stored document cannot take the update (type mismatch, path through a scalar, not an array). */
const BAD_UPDATE_CODES = new Set([2, 14, 28, 52, 54]);

/** The database named in a connection string's path, if any. */
export function dbNameFromUri(uri: string): string | undefined {
  const name = /^mongodb(?:\+srv)?:\/\/[^/]*\/([^?]+)/.exec(uri)?.[1];
  return name ? decodeURIComponent(name) : undefined;
}

/** Connects to MongoDB. Throws `STORE_UNAVAILABLE` when no server answers in time. */
export async function openMongoStore(options: MongoStoreOptions): Promise<MongoStore> {
  const dbName = options.dbName ?? dbNameFromUri(options.uri) ?? 'parley';
  const client = new MongoClient(options.uri, { serverSelectionTimeoutMS: options.serverSelectionTimeoutMs ?? 10_000, ignoreUndefined: true });
  try {
    await client.connect();
  } catch (cause) {
    await client.close().catch(() => undefined);
    // The message names the failure, never the URI (it may hold a password).
    throw new ParleyError('STORE_UNAVAILABLE', `Cannot reach MongoDB: ${(cause as Error).message}`, { cause });
  }
  return new MongoDocumentStore(client, client.db(dbName));
}

class MongoDocumentStore implements MongoStore {
  readonly kind = 'mongodb' as const;
  readonly dbName: string;
  private closed = false;
  private readonly collections = new Map<string, MongoCollection<Doc>>();

  constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
  ) {
    this.dbName = db.databaseName;
  }

  collection<T extends Doc = Doc>(name: string): Collection<T> {
    let collection = this.collections.get(name);
    if (!collection) {
      checkCollectionName(name);
      collection = new MongoCollection(this, this.db.collection<StoredDoc>(name), name);
      this.collections.set(name, collection);
    }
    return collection as unknown as Collection<T>;
  }

  async ping(): Promise<boolean> {
    if (this.closed) return false;
    try {
      const reply = await this.db.command({ ping: 1 });
      return reply.ok === 1;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.close();
  }

  async dropDatabase(): Promise<void> {
    await this.run('(database)', () => this.db.dropDatabase());
  }

  /** Runs a driver call for `collection`, turning driver errors into coded ones. */
  async run<R>(collection: string, fn: () => Promise<R>): Promise<R> {
    // The driver would silently reconnect a closed client; the contract says closed means closed.
    if (this.closed) throw new ParleyError('STORE_UNAVAILABLE', 'The store has been closed.');
    try {
      return await fn();
    } catch (error) {
      throw toParleyError(error, collection);
    }
  }
}

function toParleyError(error: unknown, collection: string): unknown {
  if (error instanceof ParleyError) return error;
  if (error instanceof MongoBulkWriteError) {
    const first = Array.isArray(error.writeErrors) ? error.writeErrors[0] : error.writeErrors;
    if (error.code === 11000 || first?.code === 11000) {
      const mapped = duplicateKeyError(collection, duplicateKeyFields({ errmsg: first?.errmsg ?? error.message }), error);
      Object.assign(mapped.details!, { insertedCount: error.insertedCount });
      return mapped;
    }
  }
  if (error instanceof MongoServerError) {
    if (error.code === 11000 || error.code === 11001) return duplicateKeyError(collection, duplicateKeyFields(error), error);
    if (typeof error.code === 'number' && BAD_UPDATE_CODES.has(error.code)) {
      return new ParleyError('STORE_BAD_UPDATE', `The update cannot apply to the stored document: ${error.message}`, { cause: error });
    }
  }
  const name = (error as Error)?.name ?? '';
  if (/MongoServerSelectionError|MongoNetworkError|MongoNotConnectedError|MongoTopologyClosedError|MongoNetworkTimeoutError/.test(name)) {
    return new ParleyError('STORE_UNAVAILABLE', `MongoDB is unreachable: ${(error as Error).message}`, { cause: error });
  }
  return error;
}

class MongoCollection<T extends Doc> implements Collection<T> {
  constructor(
    private readonly store: MongoDocumentStore,
    private readonly driver: DriverCollection<StoredDoc>,
    readonly name: string,
  ) {}

  async insertOne(input: Omit<T, '_id'> & { _id?: string }): Promise<T> {
    const { doc } = prepareDocument(input);
    // The driver adds `_id` to the object it inserts; ours already has one, a string.
    await this.store.run(this.name, () => this.driver.insertOne(structuredClone(doc) as StoredDoc));
    return doc as T;
  }

  async insertMany(inputs: Array<Omit<T, '_id'> & { _id?: string }>): Promise<T[]> {
    const docs = inputs.map((input) => prepareDocument(input).doc);
    if (docs.length === 0) return [];
    await this.store.run(this.name, () => this.driver.insertMany(docs.map((d) => structuredClone(d) as StoredDoc), { ordered: true }));
    return docs as T[];
  }

  async findOne(filter: Filter, options: { sort?: SortSpec } = {}): Promise<T | null> {
    const page = await this.find(filter, { ...options, limit: 1 });
    return page.items[0] ?? null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<Page<T>> {
    const conditions = parseFilter(filter);
    const sort = parseSort(options.sort);
    const limit = parseLimit(options.limit);
    const fingerprint = queryFingerprint(conditions, sort);
    let query = toMongoFilter(conditions);
    if (options.after !== undefined) {
      const after = toMongoAfter(sort, decodeCursor(options.after, fingerprint, sort.length - 1));
      query = { $and: [query, after] };
    }
    const docs = await this.store.run(this.name, () => {
      const cursor = this.driver.find(query as DriverFilter<StoredDoc>, { sort: toMongoSort(sort) as Sort });
      // One more than asked tells whether there is a next page.
      if (limit !== undefined) cursor.limit(limit + 1);
      return cursor.toArray();
    });
    const more = limit !== undefined && docs.length > limit;
    if (more) docs.pop();
    const items = docs as unknown as T[];
    const last = items.at(-1);
    if (!more || !last) return { items };
    const values = sort.slice(0, -1).map((k) => sortValueAt(last, k.path));
    return { items, next: encodeCursor(fingerprint, { values, id: last._id }) };
  }

  async count(filter: Filter = {}): Promise<number> {
    const query = toMongoFilter(parseFilter(filter));
    return this.store.run(this.name, () => this.driver.countDocuments(query as DriverFilter<StoredDoc>));
  }

  async updateOne(filter: Filter, update: Update, options: { upsert?: boolean } = {}): Promise<{ matched: number; modified: number; upsertedId?: string }> {
    const conditions = parseFilter(filter);
    const body = toMongoUpdate(parseUpdate(update), options.upsert ? upsertId(conditions) : undefined);
    const result = await this.store.run(this.name, () =>
      this.driver.updateOne(toMongoFilter(conditions) as DriverFilter<StoredDoc>, body as UpdateFilter<StoredDoc>, { upsert: options.upsert === true }),
    );
    return {
      matched: result.matchedCount,
      modified: result.modifiedCount,
      ...(result.upsertedId !== null && result.upsertedId !== undefined ? { upsertedId: String(result.upsertedId) } : {}),
    };
  }

  async updateMany(filter: Filter, update: Update): Promise<{ matched: number; modified: number }> {
    const query = toMongoFilter(parseFilter(filter));
    const body = toMongoUpdate(parseUpdate(update));
    const result = await this.store.run(this.name, () => this.driver.updateMany(query as DriverFilter<StoredDoc>, body as UpdateFilter<StoredDoc>));
    return { matched: result.matchedCount, modified: result.modifiedCount };
  }

  async findOneAndUpdate(
    filter: Filter,
    update: Update,
    options: { returnDocument?: 'before' | 'after'; upsert?: boolean; sort?: SortSpec } = {},
  ): Promise<T | null> {
    const conditions = parseFilter(filter);
    const body = toMongoUpdate(parseUpdate(update), options.upsert ? upsertId(conditions) : undefined);
    const sort = options.sort === undefined ? undefined : toMongoSort(parseSort(options.sort));
    const doc = await this.store.run(this.name, () =>
      this.driver.findOneAndUpdate(toMongoFilter(conditions) as DriverFilter<StoredDoc>, body as UpdateFilter<StoredDoc>, {
        returnDocument: options.returnDocument ?? 'after',
        upsert: options.upsert === true,
        ...(sort ? { sort: sort as Sort } : {}),
        includeResultMetadata: false,
      }),
    );
    return doc as T | null;
  }

  async deleteOne(filter: Filter): Promise<number> {
    const query = toMongoFilter(parseFilter(filter));
    return (await this.store.run(this.name, () => this.driver.deleteOne(query as DriverFilter<StoredDoc>))).deletedCount;
  }

  async deleteMany(filter: Filter): Promise<number> {
    const query = toMongoFilter(parseFilter(filter));
    return (await this.store.run(this.name, () => this.driver.deleteMany(query as DriverFilter<StoredDoc>))).deletedCount;
  }

  async createIndex(spec: IndexSpec): Promise<void> {
    const fields = parseIndexFields(spec);
    const unique = spec.unique === true;
    const keys = Object.fromEntries(fields.map((f) => [f, 1 as const]));
    await this.store.run(this.name, () =>
      this.driver.createIndex(keys, {
        name: mongoIndexName(fields, unique),
        ...(unique ? { unique: true, partialFilterExpression: uniquePartialFilter(fields) } : {}),
      }),
    );
  }
}

/**
 * The `_id` an upsert would insert with: none when the filter fixes `_id` (it
 * must be a string, as on SQLite), else a new string id.
 */
function upsertId(conditions: Condition[]): string | undefined {
  const fixed = equalitySeeds(conditions).find(([path]) => path === '_id');
  if (fixed) {
    checkId(fixed[1]);
    return undefined;
  }
  return createId();
}
