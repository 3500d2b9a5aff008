/**
 * The SQLite adapter of the document-store port (the default: no server).
 *
 * One file, WAL journal, one table per collection: `_id TEXT PRIMARY KEY,
 * doc TEXT` with the whole document as JSON. Indexes are expression indexes on
 * `json_extract(doc, path)`. Several processes may open the same file: WAL
 * lets readers run beside the writer, and a writer that finds the file locked
 * waits up to the busy timeout.
 *
 * Every read-modify-write (updates, upserts, `findOneAndUpdate`) runs in one
 * `BEGIN IMMEDIATE` transaction, which takes the write lock before reading, so
 * no other connection or process can write between the read and the write.
 * better-sqlite3 is synchronous: each method does all its database work inside
 * the one call, so calls from one process run in the order they were made.
 *
 * Checkpoints (copying the WAL into the database file, with fsyncs) would by
 * default run inside whichever commit crosses 1000 WAL pages, stalling the
 * event loop for milliseconds (measured: append p99 11–14 ms instead of
 * 0.5 ms, bench/store-append.ts). So the store's connection never checkpoints;
 * a worker thread with its own connection does, every 250 ms.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { ParleyError } from '../errors/parley-error.js';
import { applyUpdate, parseUpdate, setPath, type ParsedUpdate } from './apply-update.js';
import type { Collection, Doc, DocumentStore, Filter, FindOptions, IndexSpec, Page, SortSpec, Update } from './document-store.js';
import { duplicateKeyError } from './duplicate-key-error.js';
import { decodeCursor, encodeCursor, queryFingerprint } from './page-cursor.js';
import { equalitySeeds, parseFilter, parseIndexFields, parseLimit, parseSort, type Condition, type SortKey } from './parse-query.js';
import { checkId, prepareDocument } from './prepare-document.js';
import { afterSql, fieldExpr, orderSql, sortKeyColumns, whereSql } from './sqlite-sql.js';
import { checkCollectionName } from './store-names.js';
import { createId } from './create-id.js';

/** How to open a SQLite store. */
export interface SqliteStoreOptions {
  /** The database file, e.g. `data/parley.db`; its folder is created. `:memory:` gives a private store that vanishes on close. */
  file: string;
  /** How long a write waits for another connection's write lock before failing with `STORE_BUSY`, in ms. Default 5000. */
  busyTimeoutMs?: number;
  /**
   * `normal` (default): a committed write survives a crash of the process; a power
   * cut may lose the last commits. `full`: every commit is flushed to disk (fsync) before it returns.
   */
  synchronous?: 'normal' | 'full';
  /**
   * `background` (default): a worker thread checkpoints the WAL, off the event
   * loop. `inline`: SQLite's own auto-checkpoint, inside the commit that
   * crosses 1000 WAL pages (simpler; blocks the event loop while it syncs).
   */
  checkpoint?: 'background' | 'inline';
}

/** A document store on one SQLite file. */
export interface SqliteStore extends DocumentStore {
  readonly kind: 'sqlite';
  /** The database file as given. */
  readonly file: string;
  /** Who checkpoints the WAL: a worker thread, SQLite inside commits, or nobody (`:memory:`). */
  readonly checkpointMode: 'background' | 'inline' | 'none';
}

/** How often the background checkpointer runs; a no-op when the WAL holds nothing new. */
const CHECKPOINT_INTERVAL_MS = 250;
/** The WAL file is truncated back to this size after a checkpoint let it restart. */
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;
const CHECKPOINT_WORKER = new URL('./sqlite-checkpoint-worker.mjs', import.meta.url);

/** Statements prepared per distinct SQL text; bounded because `$in` and cursor shapes vary a little. */
const STATEMENT_CACHE_SIZE = 500;

interface Row {
  _id: string;
  doc: string;
  [sortKey: `k${number}`]: string | number | null;
}

/** Opens (creating when needed) a SQLite document store. Throws `STORE_UNAVAILABLE` when the file cannot be opened. */
export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  return new SqliteDocumentStore(options);
}

class SqliteDocumentStore implements SqliteStore {
  readonly kind = 'sqlite' as const;
  readonly file: string;
  checkpointMode: 'background' | 'inline' | 'none' = 'none';
  private readonly db: Database.Database;
  private checkpointer: Worker | undefined;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly collections = new Map<string, SqliteCollection<Doc>>();
  private closed = false;

  constructor(options: SqliteStoreOptions) {
    this.file = options.file;
    try {
      if (options.file !== ':memory:') mkdirSync(path.dirname(path.resolve(options.file)), { recursive: true });
      this.db = new Database(options.file, { timeout: options.busyTimeoutMs ?? 5000 });
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
      if (options.file !== ':memory:') {
        this.db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
        this.checkpointMode = 'inline';
        if (options.checkpoint !== 'inline') this.startCheckpointer(options.busyTimeoutMs ?? 5000);
      }
    } catch (cause) {
      throw new ParleyError('STORE_UNAVAILABLE', `Cannot open the SQLite store at ${options.file}: ${(cause as Error).message}`, {
        details: { file: options.file },
        cause,
      });
    }
  }

  collection<T extends Doc = Doc>(name: string): Collection<T> {
    let collection = this.collections.get(name);
    if (!collection) {
      checkCollectionName(name);
      this.run(name, () => this.db.prepare(`CREATE TABLE IF NOT EXISTS "${name}" (_id TEXT PRIMARY KEY NOT NULL, doc TEXT NOT NULL) STRICT`).run());
      collection = new SqliteCollection(this, name);
      this.collections.set(name, collection);
    }
    return collection as unknown as Collection<T>;
  }

  async ping(): Promise<boolean> {
    if (this.closed) return false;
    try {
      return this.stmt('SELECT 1 AS ok').get() !== undefined;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.statements.clear();
    await this.stopCheckpointer();
    this.db.close();
  }

  private startCheckpointer(busyTimeoutMs: number): void {
    this.db.pragma('wal_autocheckpoint = 0');
    this.checkpointMode = 'background';
    const worker = new Worker(CHECKPOINT_WORKER, { workerData: { file: path.resolve(this.file), intervalMs: CHECKPOINT_INTERVAL_MS, busyTimeoutMs } });
    // A store left open must not keep the process alive.
    worker.unref();
    worker.on('error', () => {
      // The worker could not run: let SQLite checkpoint inside commits again, so the WAL cannot grow without bound.
      this.checkpointer = undefined;
      if (this.closed) return;
      this.db.pragma('wal_autocheckpoint = 1000');
      this.checkpointMode = 'inline';
    });
    this.checkpointer = worker;
  }

  private async stopCheckpointer(): Promise<void> {
    const worker = this.checkpointer;
    if (!worker) return;
    this.checkpointer = undefined;
    // Referenced again while we wait for it: an unreferenced worker alone would let the process exit mid-close.
    worker.ref();
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage('close');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 2000)));
    if ((await Promise.race([exited, timeout])) === 'timeout') await worker.terminate();
    clearTimeout(timer);
  }

  /** The cached prepared statement for this SQL text. */
  stmt(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement) {
      // Refresh its place in the LRU order.
      this.statements.delete(sql);
    } else {
      statement = this.db.prepare(sql);
      if (this.statements.size >= STATEMENT_CACHE_SIZE) this.statements.delete(this.statements.keys().next().value!);
    }
    this.statements.set(sql, statement);
    return statement;
  }

  /** Runs `fn` holding the write lock from its first read to its commit (or inside the caller's transaction). */
  write<R>(fn: () => R): R {
    if (this.db.inTransaction) return fn();
    this.stmt('BEGIN IMMEDIATE').run();
    try {
      const result = fn();
      this.stmt('COMMIT').run();
      return result;
    } catch (error) {
      if (this.db.inTransaction) this.stmt('ROLLBACK').run();
      throw error;
    }
  }

  /** Runs database work for `collection`, turning SQLite errors into coded ones. */
  run<R>(collection: string, fn: () => R): R {
    if (this.closed) throw new ParleyError('STORE_UNAVAILABLE', 'The store has been closed.');
    try {
      return fn();
    } catch (error) {
      throw toParleyError(error, collection);
    }
  }
}

function toParleyError(error: unknown, collection: string): unknown {
  if (error instanceof ParleyError) return error;
  const code = (error as { code?: unknown }).code;
  const message = (error as Error).message ?? String(error);
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return duplicateKeyError(collection, ['_id'], error);
  if (code === 'SQLITE_CONSTRAINT_UNIQUE') {
    // Index names are `ux:<collection>:<field>,<field>` (see createIndex).
    const name = /index '([^']+)'/.exec(message)?.[1];
    return duplicateKeyError(collection, name?.split(':')[2]?.split(','), error);
  }
  if (typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))) {
    return new ParleyError('STORE_BUSY', `The SQLite store stayed locked by another writer past the busy timeout (${collection}).`, { cause: error });
  }
  if (typeof code === 'string' && /^SQLITE_(CANTOPEN|READONLY|IOERR|FULL|CORRUPT|NOTADB|PERM)/.test(code)) {
    return new ParleyError('STORE_UNAVAILABLE', `The SQLite store cannot be used: ${message}`, { cause: error });
  }
  if (error instanceof TypeError && /database connection is not open/.test(message)) {
    return new ParleyError('STORE_UNAVAILABLE', 'The store has been closed.', { cause: error });
  }
  return error;
}

class SqliteCollection<T extends Doc> implements Collection<T> {
  private readonly table: string;

  constructor(
    private readonly store: SqliteDocumentStore,
    readonly name: string,
  ) {
    // Safe to inline: checkCollectionName admits no quote.
    this.table = `"${name}"`;
  }

  async insertOne(input: Omit<T, '_id'> & { _id?: string }): Promise<T> {
    const { doc, json } = prepareDocument(input);
    this.store.run(this.name, () => this.stmt(`INSERT INTO ${this.table} (_id, doc) VALUES (?, ?)`).run(doc._id, json));
    return doc as T;
  }

  async insertMany(inputs: Array<Omit<T, '_id'> & { _id?: string }>): Promise<T[]> {
    const prepared = inputs.map((input) => prepareDocument(input));
    const insert = `INSERT INTO ${this.table} (_id, doc) VALUES (?, ?)`;
    // In order, stopping at the first failure with the ones before it kept, as
    // MongoDB's ordered insertMany does; one transaction makes the batch one commit.
    const failure = this.store.run(this.name, () =>
      this.store.write(() => {
        for (let i = 0; i < prepared.length; i++) {
          try {
            this.stmt(insert).run(prepared[i]!.doc._id, prepared[i]!.json);
          } catch (error) {
            return { error, inserted: i };
          }
        }
        return undefined;
      }),
    );
    if (failure) {
      const error = toParleyError(failure.error, this.name);
      if (error instanceof ParleyError && error.details) Object.assign(error.details, { insertedCount: failure.inserted });
      throw error;
    }
    return prepared.map((p) => p.doc as T);
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
    const where = whereSql(conditions);
    let sql = `SELECT _id, doc${sortKeyColumns(sort)} FROM ${this.table} WHERE ${where.sql}`;
    const params = [...where.params];
    if (options.after !== undefined) {
      const after = afterSql(sort, decodeCursor(options.after, fingerprint, sort.length - 1));
      sql += ` AND ${after.sql}`;
      params.push(...after.params);
    }
    sql += ` ORDER BY ${orderSql(sort)}`;
    if (limit !== undefined) {
      sql += ' LIMIT ?';
      params.push(limit + 1); // One more than asked tells whether there is a next page.
    }
    const rows = this.store.run(this.name, () => this.stmt(sql).all(...params) as Row[]);
    const more = limit !== undefined && rows.length > limit;
    if (more) rows.pop();
    const items = rows.map((row) => JSON.parse(row.doc) as T);
    const last = rows.at(-1);
    if (!more || !last) return { items };
    const values = sort.slice(0, -1).map((_, i) => last[`k${i}`] ?? null);
    return { items, next: encodeCursor(fingerprint, { values, id: last._id }) };
  }

  async count(filter: Filter = {}): Promise<number> {
    const where = whereSql(parseFilter(filter));
    const row = this.store.run(this.name, () => this.stmt(`SELECT count(*) AS n FROM ${this.table} WHERE ${where.sql}`).get(...where.params) as { n: number });
    return row.n;
  }

  async updateOne(filter: Filter, update: Update, options: { upsert?: boolean } = {}): Promise<{ matched: number; modified: number; upsertedId?: string }> {
    const conditions = parseFilter(filter);
    const parsed = parseUpdate(update);
    return this.store.run(this.name, () =>
      this.store.write(() => {
        const row = this.selectOne(conditions, undefined);
        if (row) return { matched: 1, modified: this.rewrite(row, parsed).changed ? 1 : 0 };
        if (!options.upsert) return { matched: 0, modified: 0 };
        return { matched: 0, modified: 0, upsertedId: this.upsert(conditions, parsed)._id };
      }),
    );
  }

  async updateMany(filter: Filter, update: Update): Promise<{ matched: number; modified: number }> {
    const where = whereSql(parseFilter(filter));
    const parsed = parseUpdate(update);
    // All or nothing: one document refusing the update leaves every document unchanged.
    return this.store.run(this.name, () =>
      this.store.write(() => {
        const rows = this.stmt(`SELECT _id, doc FROM ${this.table} WHERE ${where.sql}`).all(...where.params) as Row[];
        let modified = 0;
        for (const row of rows) if (this.rewrite(row, parsed).changed) modified++;
        return { matched: rows.length, modified };
      }),
    );
  }

  async findOneAndUpdate(
    filter: Filter,
    update: Update,
    options: { returnDocument?: 'before' | 'after'; upsert?: boolean; sort?: SortSpec } = {},
  ): Promise<T | null> {
    const conditions = parseFilter(filter);
    const parsed = parseUpdate(update);
    const sort = options.sort === undefined ? undefined : parseSort(options.sort);
    return this.store.run(this.name, () =>
      this.store.write(() => {
        const row = this.selectOne(conditions, sort);
        if (row) {
          const { doc } = this.rewrite(row, parsed);
          return (options.returnDocument === 'before' ? JSON.parse(row.doc) : doc) as T;
        }
        if (!options.upsert) return null;
        const doc = this.upsert(conditions, parsed);
        return options.returnDocument === 'before' ? null : (doc as T);
      }),
    );
  }

  async deleteOne(filter: Filter): Promise<number> {
    const where = whereSql(parseFilter(filter));
    const sql = `DELETE FROM ${this.table} WHERE _id = (SELECT _id FROM ${this.table} WHERE ${where.sql} LIMIT 1)`;
    return this.store.run(this.name, () => this.stmt(sql).run(...where.params).changes);
  }

  async deleteMany(filter: Filter): Promise<number> {
    const where = whereSql(parseFilter(filter));
    return this.store.run(this.name, () => this.stmt(`DELETE FROM ${this.table} WHERE ${where.sql}`).run(...where.params).changes);
  }

  async createIndex(spec: IndexSpec): Promise<void> {
    const fields = parseIndexFields(spec);
    const unique = spec.unique === true;
    const name = `${unique ? 'ux' : 'ix'}:${this.name}:${fields.join(',')}`;
    const columns = fields.map(fieldExpr);
    // `_id` last in a plain index lets it serve the `_id` tie-breaker of sorted pages too.
    if (!unique && !fields.includes('_id')) columns.push('_id');
    const sql = `CREATE ${unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS "${name}" ON ${this.table} (${columns.join(', ')})`;
    this.store.run(this.name, () => this.store.write(() => this.store.stmt(sql).run()));
  }

  private stmt(sql: string): Database.Statement {
    return this.store.stmt(sql);
  }

  private selectOne(conditions: Condition[], sort: SortKey[] | undefined): Row | undefined {
    const where = whereSql(conditions);
    const order = sort ? ` ORDER BY ${orderSql(sort)}` : '';
    return this.stmt(`SELECT _id, doc FROM ${this.table} WHERE ${where.sql}${order} LIMIT 1`).get(...where.params) as Row | undefined;
  }

  /** Applies the update to a stored row and writes it back when it changed. */
  private rewrite(row: Row, update: ParsedUpdate): { doc: Doc; changed: boolean } {
    const doc = JSON.parse(row.doc) as Doc;
    const changed = applyUpdate(doc, update);
    if (changed) this.stmt(`UPDATE ${this.table} SET doc = ? WHERE _id = ?`).run(JSON.stringify(doc), row._id);
    return { doc, changed };
  }

  /** Inserts the document an upsert creates: the filter's equalities, then the update, as MongoDB builds it. */
  private upsert(conditions: Condition[], update: ParsedUpdate): Doc {
    const seed: Record<string, unknown> = {};
    let id: string | undefined;
    for (const [path, value] of equalitySeeds(conditions)) {
      if (path === '_id') id = checkId(value);
      else setPath(seed, path, value);
    }
    applyUpdate(seed, update);
    const { doc, json } = prepareDocument({ ...seed, _id: id ?? createId() });
    this.stmt(`INSERT INTO ${this.table} (_id, doc) VALUES (?, ?)`).run(doc._id, json);
    return doc;
  }
}
