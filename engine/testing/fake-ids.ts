/**
 * Ids shaped like the Realtime API's (`item_` + 20 letters and digits): unique
 * within a process, and random enough that a test cannot come to depend on
 * their values.
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A fresh id with the given prefix, e.g. `fakeId('item')` → `item_Cdul7Qz…`. */
export function fakeId(prefix: string): string {
  const bytes = randomBytes(20);
  let id = prefix + '_';
  for (const byte of bytes) id += ALPHABET[byte % ALPHABET.length];
  return id;
}
