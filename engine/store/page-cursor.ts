/**
 * Page cursors for keyset pagination. A cursor holds the sort-key values and
 * `_id` of the last document of a page, so the next page starts strictly after
 * it: inserts and deletes elsewhere never shift or repeat documents, unlike
 * offsets. It also holds a fingerprint of the filter and sort it was made for,
 * so a cursor reused with another query fails loudly (`STORE_BAD_CURSOR`)
 * instead of returning a wrong page. Opaque to callers: base64url JSON.
 */
import { createHash } from 'node:crypto';
import { ParleyError } from '../errors/parley-error.js';
import type { Condition, ScalarValue, SortKey } from './parse-query.js';

/** Where the previous page ended. */
export interface CursorPosition {
  /** Values of the sort keys before `_id`, as the adapter compares them (missing fields are null). */
  values: ScalarValue[];
  id: string;
}

const VERSION = 1;

/** A short hash of the query a cursor belongs to; conditions are in filter order, which callers keep. */
export function queryFingerprint(conditions: Condition[], sort: SortKey[]): string {
  return createHash('sha256').update(JSON.stringify([conditions, sort])).digest('base64url').slice(0, 16);
}

export function encodeCursor(fingerprint: string, position: CursorPosition): string {
  return Buffer.from(JSON.stringify({ v: VERSION, q: fingerprint, k: position.values, id: position.id })).toString('base64url');
}

const badCursor = (message: string) => new ParleyError('STORE_BAD_CURSOR', message);

function isScalar(value: unknown): value is ScalarValue {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

/** Reads a cursor made for this query; throws `STORE_BAD_CURSOR` when it is malformed or was made for another query. */
export function decodeCursor(cursor: unknown, fingerprint: string, keyCount: number): CursorPosition {
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > 8192 || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw badCursor('The page cursor is not one this store made; pass back the previous page\'s `next` unchanged.');
  }
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor('The page cursor is damaged; pass back the previous page\'s `next` unchanged.');
  }
  const d = data as { v?: unknown; q?: unknown; k?: unknown; id?: unknown } | null;
  if (d === null || typeof d !== 'object' || d.v !== VERSION || typeof d.q !== 'string' || typeof d.id !== 'string' || !Array.isArray(d.k) || !d.k.every(isScalar)) {
    throw badCursor('The page cursor is damaged; pass back the previous page\'s `next` unchanged.');
  }
  if (d.q !== fingerprint || d.k.length !== keyCount) {
    throw badCursor('The page cursor belongs to a different filter or sort; use the same query as the page it came from, or start again without a cursor.');
  }
  return { values: d.k, id: d.id };
}
