/**
 * Which collection names and field paths the store accepts. Both reach SQL as
 * identifiers and JSON paths that cannot be bound as parameters (an expression
 * index only matches a query that spells the same path literally), so they are
 * checked against strict patterns before any SQL is built: nothing that could
 * close a quote or start an operator gets through.
 */
import { ParleyError } from '../errors/parley-error.js';

/** One name: a letter, then up to 99 letters, digits, `_` or `-` (room for `conn_<connector>`). */
const SEGMENT = '[A-Za-z][A-Za-z0-9_-]{0,99}';
/**
 * Collection names may have dotted parts so that namespaces (`conn_crm.contacts`)
 * cannot collide with each other: neither part may contain a dot.
 */
const COLLECTION_NAME = new RegExp(`^${SEGMENT}(\\.${SEGMENT}){0,3}$`);
/** A field path: up to 16 names joined by dots, or `_id`. Leading `_` is allowed in names (`_meta`), `$` never. */
const FIELD_SEGMENT = '[A-Za-z_][A-Za-z0-9_-]{0,63}';
const FIELD_PATH = new RegExp(`^${FIELD_SEGMENT}(\\.${FIELD_SEGMENT}){0,15}$`);

/** Returns the name when it is a valid collection name; throws `STORE_BAD_NAME` otherwise. */
export function checkCollectionName(name: unknown): string {
  if (typeof name !== 'string' || !COLLECTION_NAME.test(name) || name.toLowerCase().startsWith('sqlite_') || name.startsWith('system.')) {
    throw new ParleyError('STORE_BAD_NAME', `Collection name ${JSON.stringify(name)} is not allowed: use letters, digits, "_" and "-", starting with a letter.`, {
      details: { collection: String(name) },
    });
  }
  return name;
}

/** Returns the path when it is a valid field path; throws `STORE_BAD_NAME` otherwise. */
export function checkFieldPath(path: unknown, where = 'field path'): string {
  if (typeof path !== 'string' || !FIELD_PATH.test(path)) {
    throw new ParleyError('STORE_BAD_NAME', `${where} ${JSON.stringify(path)} is not allowed: use names of letters, digits, "_" and "-" joined by dots, e.g. "contact.phone".`, {
      details: { path: String(path) },
    });
  }
  return path;
}

/** Splits a checked path into its names. */
export function pathSegments(path: string): string[] {
  return path.split('.');
}
