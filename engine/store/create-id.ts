/**
 * Document ids: short, URL-safe strings that sort roughly by creation time
 * (milliseconds in base 36, then 16 random hex digits), so `_id` order is a
 * sensible tie-breaker and new rows land at the end of the primary-key index.
 */
import { randomUUID } from 'node:crypto';

/** A new `_id`, e.g. `mkb3x1g2q4f0c9a1b2c3d4e5f6`. */
export function createId(now: number = Date.now()): string {
  // randomUUID draws from a cached entropy pool, which is much cheaper per call than randomBytes.
  return now.toString(36).padStart(9, '0') + randomUUID().replaceAll('-', '').slice(0, 16);
}
