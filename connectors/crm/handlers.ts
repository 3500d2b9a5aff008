/** The CRM connector's operations. */
import { type ConnectorContext, OperationError } from '../../engine/connectors/define-connector.js';
import { normalizePhoneNumber } from '../../engine/util/phone-number.js';
import { type ContactChange, type ContactDoc, type DependentRecord, findContactByPhone, newId, upsertContactRecord } from './contacts.js';
import type { AddDependentInput, AddNoteInput, ContactView, CrmConfig, DependentView, GetInteractionsInput, LogInteractionInput, LookupInput, UpsertInput } from './index.js';

type Ctx = ConnectorContext<CrmConfig>;

function phoneOf(ctx: Ctx, text: string): string {
  const parsed = normalizePhoneNumber(text, ctx.config.defaultCountry);
  if (!parsed.ok) throw new OperationError('PHONE_NUMBER_INVALID', `Phone number "${text}": ${parsed.reason}`);
  return parsed.e164;
}

/** Whole years from a birth date to now; undefined for a date that is not one. */
export function ageOn(birthDate: string, nowMs: number): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const now = new Date(nowMs);
  let age = now.getUTCFullYear() - y;
  if (now.getUTCMonth() + 1 < mo || (now.getUTCMonth() + 1 === mo && now.getUTCDate() < d)) age--;
  return age >= 0 ? age : undefined;
}

function checkBirthDate(dep: { birthDate?: string }): void {
  if (dep.birthDate === undefined) return;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dep.birthDate)!;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) throw new OperationError('CONNECTOR_INPUT_INVALID', `birth date ${dep.birthDate} is not a date`);
}

function dependentView(dep: DependentRecord, nowMs: number): DependentView {
  const age = dep.birthDate ? ageOn(dep.birthDate, nowMs) : dep.age;
  return {
    name: dep.name,
    ...(age !== undefined ? { age } : {}),
    ...(dep.birthDate ? { birthDate: dep.birthDate } : {}),
    ...(dep.relationship ? { relationship: dep.relationship } : {}),
    ...(dep.notes ? { notes: dep.notes } : {}),
  };
}

async function view(ctx: Ctx, doc: ContactDoc): Promise<ContactView> {
  const notes = await ctx.storage.collection<{ _id: string; contactId: string; text: string; at: string }>('notes').find({ contactId: doc._id }, { sort: { at: -1 }, limit: 5 });
  const firstName = doc.firstName ?? doc.name?.split(/\s+/)[0];
  return {
    found: true,
    contactId: doc._id,
    ...(doc.name ? { name: doc.name } : {}),
    ...(firstName ? { firstName } : {}),
    ...(doc.language ? { language: doc.language } : {}),
    tags: doc.tags,
    dependents: doc.dependents.map((d) => dependentView(d, ctx.clock.now())),
    ...(doc.lastInteraction ? { lastInteraction: doc.lastInteraction } : {}),
    phone: doc.phone,
    ...(doc.email ? { email: doc.email } : {}),
    ...(doc.address ? { address: doc.address } : {}),
    attributes: doc.attributes,
    notes: notes.items.map((n) => ({ at: n.at, text: n.text })),
  };
}

async function existing(ctx: Ctx, text: string): Promise<ContactDoc> {
  const phone = phoneOf(ctx, text);
  const doc = await findContactByPhone(ctx.storage, phone);
  if (!doc) throw new OperationError('CRM_CONTACT_NOT_FOUND', `No contact has the number ${phone}`);
  return doc;
}

const now = (ctx: Ctx) => new Date(ctx.clock.now()).toISOString();

export async function lookupContact(input: LookupInput, ctx: Ctx): Promise<ContactView> {
  const doc = await findContactByPhone(ctx.storage, phoneOf(ctx, input.phone));
  return doc ? view(ctx, doc) : { found: false };
}

export async function upsertContact(input: UpsertInput, ctx: Ctx): Promise<ContactView> {
  const phone = phoneOf(ctx, input.phone);
  const set: NonNullable<ContactChange['set']> = {};
  for (const key of ['name', 'firstName', 'lastName', 'email', 'language', 'address', 'tags'] as const) {
    if (input[key] !== undefined) (set as Record<string, unknown>)[key] = input[key];
  }
  if (input.dependents) {
    input.dependents.forEach(checkBirthDate);
    set.dependents = input.dependents.map((d) => ({ ...d }));
  }
  const { contact, created } = await upsertContactRecord(ctx.storage, phone, { set, ...(input.attributes ? { attributes: input.attributes } : {}) }, now(ctx));
  ctx.log.info(created ? 'contact.created' : 'contact.updated', { contactId: contact._id });
  return view(ctx, contact);
}

export async function addDependent(input: AddDependentInput, ctx: Ctx): Promise<ContactView> {
  const doc = await existing(ctx, input.phone);
  checkBirthDate(input);
  const { phone: _phone, ...dependent } = input;
  const { contact } = await upsertContactRecord(ctx.storage, doc.phone, { dependents: [dependent] }, now(ctx));
  return view(ctx, contact);
}

export async function addNote(input: AddNoteInput, ctx: Ctx): Promise<{ noteId: string; contactId: string; at: string }> {
  const doc = await existing(ctx, input.phone);
  const at = now(ctx);
  const noteId = newId('NT');
  await ctx.storage.collection('notes').insertOne({ _id: noteId, contactId: doc._id, text: input.text, at, source: ctx.call ? 'call' : 'api', ...(ctx.call ? { callId: ctx.call.id } : {}) });
  return { noteId, contactId: doc._id, at };
}

export async function logInteraction(input: LogInteractionInput, ctx: Ctx): Promise<{ interactionId: string; contactId: string; at: string; created: boolean }> {
  const phone = phoneOf(ctx, input.phone);
  if (!input.createIfMissing && !(await findContactByPhone(ctx.storage, phone))) {
    throw new OperationError('CRM_CONTACT_NOT_FOUND', `No contact has the number ${phone} (set createIfMissing to create one)`);
  }
  const at = now(ctx);
  const lastInteraction = { at, channel: input.channel, ...(input.outcome ? { outcome: input.outcome } : {}), ...(input.summary ? { summary: input.summary } : {}) };
  const { contact: doc, created } = await upsertContactRecord(ctx.storage, phone, { set: { lastInteraction } }, at);
  const interactionId = newId('IN');
  const direction = input.direction ?? ctx.call?.direction;
  await ctx.storage.collection('interactions').insertOne({
    _id: interactionId,
    contactId: doc._id,
    at,
    channel: input.channel,
    ...(direction ? { direction } : {}),
    ...(input.outcome ? { outcome: input.outcome } : {}),
    ...(input.summary ? { summary: input.summary } : {}),
    ...(ctx.call ? { callId: ctx.call.id, ...(ctx.call.flowId ? { flowId: ctx.call.flowId } : {}), ...(ctx.call.flowVersion !== undefined ? { flowVersion: ctx.call.flowVersion } : {}) } : {}),
  });
  ctx.log.info('interaction.logged', { contactId: doc._id, ...(ctx.call ? { callId: ctx.call.id } : {}) });
  return { interactionId, contactId: doc._id, at, created };
}

export async function getInteractions(input: GetInteractionsInput, ctx: Ctx) {
  const doc = await existing(ctx, input.phone);
  const page = await ctx.storage
    .collection<{ _id: string; at: string; channel: string; direction?: string; outcome?: string; summary?: string }>('interactions')
    .find({ contactId: doc._id }, { sort: { at: -1 }, limit: input.limit });
  const interactions = page.items.map(({ at, channel, direction, outcome, summary }) => ({ at, channel, ...(direction ? { direction } : {}), ...(outcome ? { outcome } : {}), ...(summary ? { summary } : {}) }));
  return { interactions, count: interactions.length };
}
