/**
 * Codes of the storage layer: the document-store port, its adapters and the
 * repositories written on it (flows, calls, number routing). Stable: the API
 * maps them to HTTP statuses and clients match on them. Add; never rename or reuse.
 */
import type { ErrorDefinition } from './parley-error.js';

export const STORE_ERRORS = {
  STORE_DUPLICATE_KEY: {
    meaning: 'Another document already has the same value in a field that must be unique.',
    fix: 'Use a different value, or update the existing document instead of creating a new one. The error names the collection and the fields.',
    kind: 'user',
    status: 409,
  },
  STORE_BAD_CURSOR: {
    meaning: 'The page cursor is malformed, or it belongs to a different query.',
    fix: 'Pass back the `next` value of the previous page unchanged, with the same filter and sort; or start again from the first page without a cursor.',
    kind: 'user',
    status: 400,
  },
  STORE_BAD_NAME: {
    meaning: 'A collection name or field path is not allowed.',
    fix: 'Collection names are letters, digits, `_` and `-`, starting with a letter; field paths are such names joined by dots (`contact.phone`), never starting with `$`.',
    kind: 'user',
    status: 400,
  },
  STORE_BAD_QUERY: {
    meaning: 'A filter, sort or limit uses an operator or value the store does not support.',
    fix: 'Filter with plain values or `$eq`, `$ne`, `$gt`, `$gte`, `$lt`, `$lte`, `$in`, `$exists`; compare with strings, numbers, booleans or null; sort with 1 or -1; limit with a positive whole number.',
    kind: 'user',
    status: 400,
  },
  STORE_BAD_UPDATE: {
    meaning: 'An update is malformed or cannot apply to the stored document.',
    fix: 'Use `$set`, `$unset`, `$inc` (numbers) and `$push` (arrays) on distinct field paths, never on `_id`; check that the path does not cross a value that is not an object.',
    kind: 'user',
    status: 400,
  },
  STORE_BAD_DOCUMENT: {
    meaning: 'A document cannot be stored as given.',
    fix: 'Store a plain JSON object; its `_id`, when given, must be a non-empty string of at most 512 characters.',
    kind: 'user',
    status: 400,
  },
  STORE_BUSY: {
    meaning: 'The database stayed locked by another writer for longer than the busy timeout.',
    fix: 'Retry; if it persists, look for a process holding a long write transaction on the same SQLite file, or raise the busy timeout.',
    kind: 'operational',
    status: 503,
  },
  STORE_UNAVAILABLE: {
    meaning: 'The store cannot be opened or reached, or it has been closed.',
    fix: 'Check PARLEY_DATA_DIR (the folder must be writable) or MONGODB_URI (the server must answer), then restart.',
    kind: 'operational',
    status: 503,
  },
  FLOW_NOT_FOUND: {
    meaning: 'No flow has this id.',
    fix: 'Check the flow id (lowercase letters, digits and dashes); list the flows to see which exist.',
    kind: 'user',
    status: 404,
  },
  FLOW_EXISTS: {
    meaning: 'A flow with this id already exists.',
    fix: 'Choose another id, or update the existing flow\'s draft.',
    kind: 'user',
    status: 409,
  },
  FLOW_ID_MISMATCH: {
    meaning: 'The document\'s `id` differs from the id of the flow it is saved under.',
    fix: 'Make the document\'s `id` equal to the flow id, or create a new flow for the new id.',
    kind: 'user',
    status: 422,
  },
  FLOW_DRAFT_CONFLICT: {
    meaning: 'The draft was changed by someone else since you read it.',
    fix: 'Reload the draft, reapply your changes and save again with its new revision.',
    kind: 'user',
    status: 409,
  },
  FLOW_VERSION_NOT_FOUND: {
    meaning: 'The flow has no published version with this number.',
    fix: 'List the flow\'s versions to see which exist; versions are numbered from 1.',
    kind: 'user',
    status: 404,
  },
  CALL_NOT_FOUND: {
    meaning: 'No call has this id.',
    fix: 'Check the call id; list calls to see which exist.',
    kind: 'user',
    status: 404,
  },
  CALL_BAD_EVENT: {
    meaning: 'A call event has an unknown kind or no data object.',
    fix: 'Record one of the kinds transcript, transition, tool, violation, model, outcome, note, with its fields in `data`.',
    kind: 'unexpected',
    status: 500,
  },
  NUMBER_INVALID: {
    meaning: 'The phone number is not in E.164 form.',
    fix: 'Write it as `+` then the country code and number, digits only, e.g. `+15125550199`.',
    kind: 'user',
    status: 422,
  },
  NUMBER_TAKEN: {
    meaning: 'This phone number is already routed to a flow.',
    fix: 'Update the existing route, or delete it first.',
    kind: 'user',
    status: 409,
  },
  NUMBER_NOT_FOUND: {
    meaning: 'No route exists for this phone number.',
    fix: 'Check the number (E.164, e.g. `+15125550199`); list the routes to see which exist.',
    kind: 'user',
    status: 404,
  },
} as const satisfies Record<string, ErrorDefinition>;
