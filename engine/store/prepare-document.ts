/**
 * Turns a document given to `insertOne` into the document that is stored: a
 * plain JSON object with a string `_id` first. Both adapters store exactly this
 * (so a Date becomes its ISO string and undefined fields vanish on either).
 */
import { ParleyError } from '../errors/parley-error.js';
import type { Doc } from './document-store.js';
import { createId } from './create-id.js';

const MAX_ID_LENGTH = 512;

/** Checks an `_id` given by a caller; throws `STORE_BAD_DOCUMENT`. */
export function checkId(id: unknown): string {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) {
    throw new ParleyError('STORE_BAD_DOCUMENT', `_id must be a non-empty string of at most ${MAX_ID_LENGTH} characters, not ${JSON.stringify(id)?.slice(0, 40)}.`);
  }
  return id;
}

/** The stored form of a new document, and its JSON text. */
export function prepareDocument(input: unknown): { doc: Doc; json: string } {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ParleyError('STORE_BAD_DOCUMENT', 'A document must be a plain object.');
  }
  const given = (input as { _id?: unknown })._id;
  const _id = given === undefined ? createId() : checkId(given);
  // `_id` first, as MongoDB returns it; copying the input keeps that key's place and the next line restores its value.
  const ordered: Record<string, unknown> = Object.assign({ _id }, input);
  ordered._id = _id;
  let json: string;
  try {
    json = JSON.stringify(ordered);
  } catch (cause) {
    // Cycles and BigInts have no JSON form.
    throw new ParleyError('STORE_BAD_DOCUMENT', `The document has no JSON form: ${(cause as Error).message}`, { cause });
  }
  return { doc: JSON.parse(json) as Doc, json };
}
