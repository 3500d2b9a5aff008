/**
 * The occupancy ledger: one document per calendar and grid unit (15 minutes by
 * default) counting the seats in use per resource,
 * `{ _id: "dental@2026-01-12T15:00:00.000Z", used: { "chair-1": 1 } }`.
 *
 * Claiming is the store's atomic conditional update: "add k seats to resource r
 * in this unit only if it has at most capacity − k in use". No reader-then-writer
 * gap exists for another booking to slip through, in one process or across
 * engine instances sharing the store, so a resource is never double-booked.
 * A booking spanning several units claims them in time order and gives back
 * what it took when a later unit is full. Contenders for the same start all
 * meet at its first unit, where exactly the available seats are handed out, so
 * N concurrent attempts on one slot yield exactly its capacity of bookings.
 */
import type { Collection } from '../../engine/store/document-store.js';
import type { ConnectorStorage } from '../../engine/store/namespaced-store.js';
import type { Appointment } from './calendar-model.js';
import { unitsOf } from './availability.js';

/** A ledger document. */
export interface OccupancyDoc {
  _id: string;
  calendarId: string;
  /** Unit start, epoch ms. */
  start: number;
  used: Record<string, number>;
  [field: string]: unknown;
}

/** Seats per unit and resource: unit ms → resource id → seats. */
export type Claims = Map<number, Map<string, number>>;

export function occupancy(storage: ConnectorStorage): Collection<OccupancyDoc> {
  return storage.collection<OccupancyDoc>('occupancy');
}

const unitId = (calendarId: string, unit: number) => `${calendarId}@${new Date(unit).toISOString()}`;

/** What a set of appointments occupies. */
export function claimsOf(appointments: readonly Appointment[], slotMinutes: number): Claims {
  const claims: Claims = new Map();
  for (const a of appointments) {
    for (const unit of unitsOf(a.start, a.end, slotMinutes)) {
      const row = claims.get(unit) ?? new Map<string, number>();
      row.set(a.resourceId, (row.get(a.resourceId) ?? 0) + 1);
      claims.set(unit, row);
    }
  }
  return claims;
}

/** `after − before`, split into what must be added and what can be given back. */
export function diffClaims(after: Claims, before: Claims): { add: Claims; remove: Claims } {
  const add: Claims = new Map();
  const remove: Claims = new Map();
  const units = new Set([...after.keys(), ...before.keys()]);
  for (const unit of units) {
    const resources = new Set([...(after.get(unit)?.keys() ?? []), ...(before.get(unit)?.keys() ?? [])]);
    for (const r of resources) {
      const delta = (after.get(unit)?.get(r) ?? 0) - (before.get(unit)?.get(r) ?? 0);
      const target = delta > 0 ? add : delta < 0 ? remove : undefined;
      if (!target) continue;
      const row = target.get(unit) ?? new Map<string, number>();
      row.set(r, Math.abs(delta));
      target.set(unit, row);
    }
  }
  return { add, remove };
}

function isDuplicate(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'STORE_DUPLICATE_KEY';
}

/** Makes sure the unit document exists and has a counter for each resource (conditional writes need a number to compare). */
async function prepareUnit(col: Collection<OccupancyDoc>, calendarId: string, unit: number, resources: Iterable<string>): Promise<void> {
  const _id = unitId(calendarId, unit);
  let doc = await col.findOne({ _id });
  if (!doc) {
    try {
      await col.insertOne({ _id, calendarId, start: unit, used: {} });
    } catch (error) {
      if (!isDuplicate(error)) throw error;
    }
    doc = await col.findOne({ _id });
  }
  for (const r of resources) {
    if (typeof doc?.used?.[r] !== 'number') await col.updateOne({ _id, [`used.${r}`]: { $exists: false } }, { $set: { [`used.${r}`]: 0 } });
  }
}

/**
 * Claims seats all-or-nothing: resolves true when every unit was claimed,
 * false (with everything it took given back) when one was full.
 */
export async function claim(storage: ConnectorStorage, calendarId: string, claims: Claims, capacity: (resourceId: string) => number): Promise<boolean> {
  const col = occupancy(storage);
  const done: Array<[number, Map<string, number>]> = [];
  for (const unit of [...claims.keys()].sort((a, b) => a - b)) {
    const row = claims.get(unit)!;
    await prepareUnit(col, calendarId, unit, row.keys());
    const filter: Record<string, unknown> = { _id: unitId(calendarId, unit) };
    const inc: Record<string, number> = {};
    for (const [r, seats] of row) {
      filter[`used.${r}`] = { $lte: capacity(r) - seats };
      inc[`used.${r}`] = seats;
    }
    const claimed = await col.findOneAndUpdate(filter, { $inc: inc });
    if (!claimed) {
      await release(storage, calendarId, new Map(done));
      return false;
    }
    done.push([unit, row]);
  }
  return true;
}

/** Gives seats back. Only called for seats this booking holds. */
export async function release(storage: ConnectorStorage, calendarId: string, claims: Claims): Promise<void> {
  const col = occupancy(storage);
  for (const [unit, row] of claims) {
    const inc: Record<string, number> = {};
    for (const [r, seats] of row) inc[`used.${r}`] = -seats;
    await col.updateOne({ _id: unitId(calendarId, unit) }, { $inc: inc });
  }
}

/** Ledger documents of a calendar for units in [from, to). */
export async function readOccupancy(storage: ConnectorStorage, calendarId: string, from: number, to: number): Promise<OccupancyDoc[]> {
  const col = occupancy(storage);
  const out: OccupancyDoc[] = [];
  let after: string | undefined;
  do {
    const page = await col.find({ calendarId, start: { $gte: from, $lt: to } }, { sort: { start: 1 }, limit: 500, ...(after ? { after } : {}) });
    out.push(...page.items);
    after = page.next;
  } while (after);
  return out;
}
