/**
 * What an update means, written once: `parseUpdate` checks it the same way for
 * both adapters, and `applyUpdate` carries it out on a document the way
 * MongoDB does (the SQLite adapter runs it inside its write transaction; the
 * MongoDB adapter sends the checked update to the server).
 */
import { ParleyError } from '../errors/parley-error.js';
import type { Update } from './document-store.js';
import { checkFieldPath, pathSegments } from './store-names.js';

/** A checked update: operations on distinct paths, values already in their stored (JSON) form. */
export interface ParsedUpdate {
  set: Array<[path: string, value: unknown]>;
  unset: string[];
  inc: Array<[path: string, by: number]>;
  push: Array<[path: string, values: unknown[]]>;
}

const OPERATORS = new Set(['$set', '$unset', '$inc', '$push']);

const badUpdate = (message: string, details?: Record<string, unknown>) => new ParleyError('STORE_BAD_UPDATE', message, details ? { details } : {});

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * The value as it will be stored: its JSON form (Dates become ISO strings,
 * undefined object fields disappear), so both adapters store the same thing.
 */
export function toStored(value: unknown): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (cause) {
    // Cycles and BigInts have no JSON form.
    throw new ParleyError('STORE_BAD_UPDATE', `An update value has no JSON form: ${(cause as Error).message}`, { cause });
  }
  return text === undefined ? undefined : (JSON.parse(text) as unknown);
}

/** Checks an update; throws `STORE_BAD_UPDATE` or `STORE_BAD_NAME` with what to fix. */
export function parseUpdate(update: Update): ParsedUpdate {
  if (!isPlainObject(update)) throw badUpdate('An update is an object of operators ($set, $unset, $inc, $push).');
  const parsed: ParsedUpdate = { set: [], unset: [], inc: [], push: [] };
  const paths: string[] = [];
  for (const [op, fields] of Object.entries(update)) {
    if (!OPERATORS.has(op)) {
      throw badUpdate(
        op.startsWith('$') ? `Update operator ${op} is not supported; use $set, $unset, $inc or $push.` : `Update field "${op}" is not under an operator; replacing whole documents is not supported, use { $set: { ... } }.`,
        { operator: op },
      );
    }
    if (fields === undefined) continue;
    if (!isPlainObject(fields)) throw badUpdate(`${op} takes an object of field paths.`, { operator: op });
    for (const [path, raw] of Object.entries(fields)) {
      checkFieldPath(path, `${op} field`);
      if (path === '_id' || path.startsWith('_id.')) throw badUpdate('_id cannot change; insert a new document instead.', { path });
      switch (op) {
        case '$set': {
          const value = toStored(raw);
          if (value === undefined) continue; // JSON semantics: an undefined field is not there.
          parsed.set.push([path, value]);
          break;
        }
        case '$unset':
          parsed.unset.push(path);
          break;
        case '$inc':
          if (typeof raw !== 'number' || !Number.isFinite(raw)) throw badUpdate(`$inc on "${path}" needs a finite number.`, { path });
          parsed.inc.push([path, raw]);
          break;
        case '$push': {
          let values: unknown[];
          if (isPlainObject(raw) && '$each' in raw) {
            if (Object.keys(raw).length !== 1 || !Array.isArray(raw.$each)) throw badUpdate(`$push on "${path}" with $each takes exactly { $each: [values] }.`, { path });
            values = raw.$each.map((v) => toStored(v) ?? null);
          } else {
            const value = toStored(raw);
            if (value === undefined) throw badUpdate(`$push on "${path}" needs a value.`, { path });
            values = [value];
          }
          parsed.push.push([path, values]);
          break;
        }
      }
      paths.push(path);
    }
  }
  if (paths.length === 0) throw badUpdate('The update changes nothing; give at least one field under $set, $unset, $inc or $push.');
  // MongoDB refuses two operations on one path or on a path and its parent; so does the contract.
  const sorted = [...paths].sort();
  for (let i = 1; i < sorted.length; i++) {
    const [a, b] = [sorted[i - 1]!, sorted[i]!];
    if (a === b || b.startsWith(a + '.')) throw badUpdate(`The update changes "${a}" and "${b}" at once; change each path only once.`, { paths: [a, b] });
  }
  return parsed;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The object holding the last segment of `path`, created on the way when `create`; undefined when it cannot exist. */
function parentOf(doc: Record<string, unknown>, path: string, create: boolean): { parent: Record<string, unknown>; key: string } | undefined {
  const segments = pathSegments(path);
  let node: Record<string, unknown> = doc;
  for (let i = 0; i < segments.length - 1; i++) {
    const seg = segments[i]!;
    const next = Object.hasOwn(node, seg) ? node[seg] : undefined;
    if (next === undefined) {
      if (!create) return undefined;
      const fresh: Record<string, unknown> = {};
      node[seg] = fresh;
      node = fresh;
    } else if (isPlainObject(next)) {
      node = next;
    } else {
      if (!create) return undefined;
      const at = segments.slice(0, i + 1).join('.');
      throw badUpdate(`Cannot change "${path}": "${at}" holds ${kindOf(next)}, not an object.`, { path, at });
    }
  }
  return { parent: node, key: segments.at(-1)! };
}

/**
 * Applies a checked update to `doc` in place. Returns whether anything
 * changed. Throws `STORE_BAD_UPDATE` when the document's shape refuses it; the
 * caller must then discard `doc`.
 */
export function applyUpdate(doc: Record<string, unknown>, update: ParsedUpdate): boolean {
  const before = JSON.stringify(doc);
  for (const [path, value] of update.set) {
    const { parent, key } = parentOf(doc, path, true)!;
    parent[key] = structuredClone(value);
  }
  for (const path of update.unset) {
    const at = parentOf(doc, path, false);
    if (at) delete at.parent[at.key];
  }
  for (const [path, by] of update.inc) {
    const { parent, key } = parentOf(doc, path, true)!;
    const current = Object.hasOwn(parent, key) ? parent[key] : undefined;
    if (current === undefined) parent[key] = by;
    else if (typeof current === 'number') parent[key] = current + by;
    else throw badUpdate(`Cannot $inc "${path}": it holds ${kindOf(current)}, not a number.`, { path });
  }
  for (const [path, values] of update.push) {
    const { parent, key } = parentOf(doc, path, true)!;
    const current = Object.hasOwn(parent, key) ? parent[key] : undefined;
    if (current === undefined) parent[key] = structuredClone(values);
    else if (Array.isArray(current)) current.push(...structuredClone(values));
    else throw badUpdate(`Cannot $push to "${path}": it holds ${kindOf(current)}, not an array.`, { path });
  }
  return JSON.stringify(doc) !== before;
}

/** Sets a value at a dotted path, creating objects on the way (for upsert seeds). */
export function setPath(doc: Record<string, unknown>, path: string, value: unknown): void {
  const { parent, key } = parentOf(doc, path, true)!;
  parent[key] = value;
}
