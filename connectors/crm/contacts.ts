/**
 * Contacts in the CRM connector's storage: one document per E.164 number
 * (a unique index keeps it so), with the household's dependents inline.
 * Changes are read-modify-write guarded by a `version` counter, so two
 * concurrent updates never silently drop each other's dependents.
 */
import { randomInt } from 'node:crypto';
import type { Collection } from '../../engine/store/document-store.js';
import type { ConnectorStorage } from '../../engine/store/namespaced-store.js';

/** A dependent as stored. */
export interface DependentRecord {
  name: string;
  age?: number;
  birthDate?: string;
  relationship?: string;
  notes?: string;
}

/** A contact as stored. */
export interface ContactDoc {
  _id: string;
  /** E.164. */
  phone: string;
  name?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  language?: string;
  address?: string;
  tags: string[];
  dependents: DependentRecord[];
  attributes: Record<string, unknown>;
  lastInteraction?: { at: string; channel: string; outcome?: string; summary?: string };
  createdAt: string;
  updatedAt: string;
  version: number;
  [field: string]: unknown;
}

/** Scalar fields a change may set. */
export type ContactFields = Partial<Pick<ContactDoc, 'name' | 'firstName' | 'lastName' | 'email' | 'language' | 'address' | 'tags' | 'dependents' | 'lastInteraction'>>;

/** What to change: fields to set, attributes to merge, dependents to add or update by name. */
export interface ContactChange {
  set?: ContactFields;
  attributes?: Record<string, unknown>;
  dependents?: DependentRecord[];
}

const indexed = new WeakSet<ConnectorStorage>();

export async function contactsCollection(storage: ConnectorStorage): Promise<Collection<ContactDoc>> {
  const col = storage.collection<ContactDoc>('contacts');
  if (!indexed.has(storage)) {
    await col.createIndex({ fields: ['phone'], unique: true });
    await storage.collection('notes').createIndex({ fields: ['contactId', 'at'] });
    await storage.collection('interactions').createIndex({ fields: ['contactId', 'at'] });
    indexed.add(storage);
  }
  return col;
}

const ID_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
/** `CT-7F3K2Q9M`-style ids (prefix + 8 characters). */
export function newId(prefix: string): string {
  let id = `${prefix}-`;
  for (let i = 0; i < 8; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

export async function findContactByPhone(storage: ConnectorStorage, phone: string): Promise<ContactDoc | null> {
  return (await contactsCollection(storage)).findOne({ phone });
}

/** Dependents merged by name (case-insensitive): a known name is updated, a new one appended. */
export function mergeDependents(current: readonly DependentRecord[], incoming: readonly DependentRecord[]): DependentRecord[] {
  const out = current.map((d) => ({ ...d }));
  for (const dep of incoming) {
    const i = out.findIndex((d) => d.name.trim().toLowerCase() === dep.name.trim().toLowerCase());
    if (i >= 0) out[i] = { ...out[i]!, ...dep };
    else out.push({ ...dep });
  }
  return out;
}

function isDuplicate(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'STORE_DUPLICATE_KEY';
}

/** Creates or changes the contact with `phone`; `created` says which. */
export async function upsertContactRecord(storage: ConnectorStorage, phone: string, change: ContactChange, now: string): Promise<{ contact: ContactDoc; created: boolean }> {
  const col = await contactsCollection(storage);
  for (let attempt = 0; attempt < 10; attempt++) {
    const existing = await col.findOne({ phone });
    if (!existing) {
      const doc: ContactDoc = {
        _id: newId('CT'),
        phone,
        tags: [],
        dependents: [],
        attributes: {},
        ...change.set,
        createdAt: now,
        updatedAt: now,
        version: 1,
      };
      if (change.attributes) doc.attributes = { ...change.attributes };
      if (change.dependents) doc.dependents = mergeDependents(doc.dependents, change.dependents);
      try {
        await col.insertOne(doc);
        return { contact: doc, created: true };
      } catch (error) {
        if (!isDuplicate(error)) throw error;
        continue; // created by someone else a moment ago: update it instead
      }
    }
    const next: Partial<ContactDoc> = { ...change.set, updatedAt: now };
    if (change.attributes) next.attributes = { ...existing.attributes, ...change.attributes };
    if (change.dependents) next.dependents = mergeDependents(change.set?.dependents ?? existing.dependents, change.dependents);
    const updated = await col.findOneAndUpdate({ _id: existing._id, version: existing.version }, { $set: next, $inc: { version: 1 } });
    if (updated) return { contact: updated, created: false };
  }
  throw new Error(`contact ${phone} kept changing while it was being updated`);
}
