/** The one error both adapters raise when a unique index (or `_id`) refuses a write. */
import { ParleyError } from '../errors/parley-error.js';

/** `STORE_DUPLICATE_KEY` naming the collection and the unique fields (never their values, which may be personal data). */
export function duplicateKeyError(collection: string, fields: string[] | undefined, cause?: unknown): ParleyError {
  const which = fields?.length ? fields.join(', ') : 'a unique index';
  return new ParleyError('STORE_DUPLICATE_KEY', `Duplicate key in collection "${collection}": another document has the same ${which}.`, {
    details: { collection, ...(fields?.length ? { fields } : {}) },
    cause,
  });
}
