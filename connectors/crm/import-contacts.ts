/**
 * Contact import from CSV or JSON. Good rows are kept, bad rows are reported
 * with their row number and what is wrong — one bad phone number never throws
 * away a whole spreadsheet.
 *
 * CSV: a header row; column names are matched without regard to case, spaces,
 * `-` or `_`. Known columns: `phone` (required), `name`, `first name`,
 * `last name`, `email`, `language`, `address`, `tags` (`;`-separated), `note`,
 * and per row one dependent: `dependent name`, `dependent age`,
 * `dependent birth date`, `dependent relationship`. Several rows with the same
 * phone number are one household (a parent and each of their children). Any
 * other column goes into the contact's `attributes`. Rows are numbered as in a
 * spreadsheet: the header is row 1.
 *
 * JSON: an array of contacts `{ phone, name, …, dependents: [{ name, age,
 * birthDate, relationship }], attributes, notes: ["…"] }`; rows are the array
 * positions, from 1.
 */
import { OperationError } from '../../engine/connectors/define-connector.js';
import { createSchemaCompiler, describeSchemaErrors } from '../../engine/connectors/schema-compiler.js';
import type { ConnectorStorage } from '../../engine/store/namespaced-store.js';
import { normalizePhoneNumber } from '../../engine/util/phone-number.js';
import { type ContactChange, type DependentRecord, contactsCollection, newId, upsertContactRecord } from './contacts.js';
import { parseCsv } from './parse-csv.js';

/** A row that was not imported. */
export interface RejectedRow {
  /** CSV: the spreadsheet row (header = 1). JSON: the 1-based array position. */
  row: number;
  /** The column or field at fault, when one is. */
  field?: string;
  message: string;
}

/** What an import did. */
export interface ImportReport {
  /** Rows read (without the header). */
  rows: number;
  /** Contacts created. */
  imported: number;
  /** Existing contacts updated. */
  updated: number;
  rejected: RejectedRow[];
}

export interface ImportOptions {
  format: 'csv' | 'json';
  text: string;
  /** Country of numbers without a country code. Default `US`. */
  defaultCountry?: string;
  /** Time stamped on the records. Default now. */
  now?: Date;
}

/** One contact's worth of rows, before it is written. */
interface Pending {
  phone: string;
  change: ContactChange & { set: NonNullable<ContactChange['set']> };
  notes: string[];
}

const COLUMN_ALIASES: Record<string, string> = {
  phone: 'phone',
  phonenumber: 'phone',
  mobile: 'phone',
  name: 'name',
  fullname: 'name',
  firstname: 'firstName',
  lastname: 'lastName',
  email: 'email',
  language: 'language',
  address: 'address',
  tags: 'tags',
  note: 'note',
  notes: 'note',
  dependentname: 'dependentName',
  childname: 'dependentName',
  dependentage: 'dependentAge',
  childage: 'dependentAge',
  dependentbirthdate: 'dependentBirthDate',
  childbirthdate: 'dependentBirthDate',
  dependentrelationship: 'dependentRelationship',
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function validBirthDate(text: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return 'is not a date written as YYYY-MM-DD';
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (d.getUTCFullYear() !== Number(m[1]) || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) return `${text} is not a date`;
  return undefined;
}

const DEPENDENT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1 }, age: { type: 'integer', minimum: 0, maximum: 130 }, birthDate: { type: 'string' }, relationship: { type: 'string' }, notes: { type: 'string' } },
};
const JSON_ROW_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['phone'],
  properties: {
    phone: { type: 'string', minLength: 1 },
    name: { type: 'string' },
    firstName: { type: 'string' },
    lastName: { type: 'string' },
    email: { type: 'string' },
    language: { type: 'string' },
    address: { type: 'string' },
    tags: { type: 'array', items: { type: 'string' } },
    dependents: { type: 'array', items: DEPENDENT_SCHEMA },
    attributes: { type: 'object' },
    notes: { type: 'array', items: { type: 'string' } },
  },
};
const validateJsonRow = createSchemaCompiler('output').compile(JSON_ROW_SCHEMA);

function checkCommon(row: number, fields: { phone: string; email?: string; dependents?: DependentRecord[] }, country: string, rejected: RejectedRow[]): string | undefined {
  const parsed = normalizePhoneNumber(fields.phone, country);
  if (!parsed.ok) {
    rejected.push({ row, field: 'phone', message: `"${fields.phone}": ${parsed.reason}` });
    return undefined;
  }
  if (fields.email !== undefined && fields.email !== '' && !EMAIL.test(fields.email)) {
    rejected.push({ row, field: 'email', message: `"${fields.email}" is not an email address` });
    return undefined;
  }
  for (const [i, dep] of (fields.dependents ?? []).entries()) {
    const problem = dep.birthDate !== undefined ? validBirthDate(dep.birthDate) : undefined;
    if (problem) {
      rejected.push({ row, field: fields.dependents!.length > 1 ? `dependents[${i}].birthDate` : 'dependent birth date', message: `birth date ${problem}` });
      return undefined;
    }
  }
  return parsed.e164;
}

function fromCsv(text: string, country: string, rejected: RejectedRow[]): { rows: number; pending: Map<string, Pending> } {
  const parsed = parseCsv(text);
  if (!parsed.ok && parsed.records.length === 0) throw new OperationError('CRM_IMPORT_INVALID', `The CSV cannot be read: ${parsed.message}`);
  const [header, ...records] = parsed.records;
  if (!header) throw new OperationError('CRM_IMPORT_INVALID', 'The CSV is empty: it needs a header row with a `phone` column');
  const columns = header.fields.map((name) => COLUMN_ALIASES[name.toLowerCase().replace(/[\s_-]+/g, '')] ?? name.trim());
  if (!columns.includes('phone')) throw new OperationError('CRM_IMPORT_INVALID', `The CSV header has no phone column (columns: ${header.fields.join(', ')})`);
  if (!parsed.ok) rejected.push({ row: parsed.line, message: `${parsed.message}; this row and everything after it was not imported` });

  const pending = new Map<string, Pending>();
  for (const record of records) {
    const row = record.line;
    if (record.fields.every((f) => f.trim() === '')) continue;
    if (record.fields.length > columns.length) {
      rejected.push({ row, message: `has ${record.fields.length} fields but the header has ${columns.length} columns (an unquoted comma?)` });
      continue;
    }
    const get = (column: string) => {
      const i = columns.indexOf(column);
      const value = i >= 0 ? record.fields[i]?.trim() : undefined;
      return value === '' ? undefined : value;
    };
    const phone = get('phone');
    if (!phone) {
      rejected.push({ row, field: 'phone', message: 'has no phone number' });
      continue;
    }
    let dependent: DependentRecord | undefined;
    const depName = get('dependentName');
    if (depName) {
      dependent = { name: depName };
      const age = get('dependentAge');
      if (age !== undefined) {
        if (!/^\d{1,3}$/.test(age) || Number(age) > 130) {
          rejected.push({ row, field: 'dependent age', message: `"${age}" is not an age in years` });
          continue;
        }
        dependent.age = Number(age);
      }
      const birth = get('dependentBirthDate');
      if (birth !== undefined) dependent.birthDate = birth;
      const relationship = get('dependentRelationship');
      if (relationship !== undefined) dependent.relationship = relationship;
    }
    const email = get('email');
    const e164 = checkCommon(row, { phone, ...(email ? { email } : {}), ...(dependent ? { dependents: [dependent] } : {}) }, country, rejected);
    if (!e164) continue;

    const entry = pending.get(e164) ?? { phone: e164, change: { set: {}, attributes: {}, dependents: [] }, notes: [] };
    for (const key of ['name', 'firstName', 'lastName', 'email', 'language', 'address'] as const) {
      const value = get(key);
      if (value !== undefined) entry.change.set[key] = value;
    }
    const tags = get('tags');
    if (tags) entry.change.set.tags = tags.split(';').map((t) => t.trim()).filter(Boolean);
    const note = get('note');
    if (note) entry.notes.push(note);
    if (dependent) entry.change.dependents!.push(dependent);
    columns.forEach((column, i) => {
      if (!Object.values(COLUMN_ALIASES).includes(column) && record.fields[i]?.trim()) entry.change.attributes![column] = record.fields[i]!.trim();
    });
    pending.set(e164, entry);
  }
  return { rows: records.length, pending };
}

function fromJson(text: string, country: string, rejected: RejectedRow[]): { rows: number; pending: Map<string, Pending> } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new OperationError('CRM_IMPORT_INVALID', `The JSON cannot be read: ${(error as Error).message}`);
  }
  const items = Array.isArray(data) ? data : (data as { contacts?: unknown })?.contacts;
  if (!Array.isArray(items)) throw new OperationError('CRM_IMPORT_INVALID', 'The JSON must be an array of contacts (or `{ "contacts": [ … ] }`)');
  const pending = new Map<string, Pending>();
  items.forEach((item, index) => {
    const row = index + 1;
    if (!validateJsonRow(item)) {
      const [first] = describeSchemaErrors(validateJsonRow.errors, '');
      const field = validateJsonRow.errors?.[0]?.instancePath.slice(1).replaceAll('/', '.') || (validateJsonRow.errors?.[0]?.params as { missingProperty?: string })?.missingProperty;
      rejected.push({ row, ...(field ? { field } : {}), message: first ?? 'is not a contact' });
      return;
    }
    const c = item as { phone: string; email?: string; dependents?: DependentRecord[]; attributes?: Record<string, unknown>; notes?: string[]; tags?: string[] } & Record<string, string | undefined>;
    const e164 = checkCommon(row, c, country, rejected);
    if (!e164) return;
    const set: ContactFields = {};
    for (const key of ['name', 'firstName', 'lastName', 'email', 'language', 'address'] as const) if (c[key] !== undefined) set[key] = c[key];
    if (c.tags) set.tags = c.tags;
    const entry = pending.get(e164) ?? { phone: e164, change: { set: {}, attributes: {}, dependents: [] }, notes: [] };
    Object.assign(entry.change.set, set);
    Object.assign(entry.change.attributes!, c.attributes ?? {});
    entry.change.dependents!.push(...(c.dependents ?? []));
    entry.notes.push(...(c.notes ?? []));
    pending.set(e164, entry);
  });
  return { rows: items.length, pending };
}

type ContactFields = NonNullable<ContactChange['set']>;

/** Imports contacts into the CRM connector's storage (`host.storageFor('crm')`). */
export async function importContacts(storage: ConnectorStorage, options: ImportOptions): Promise<ImportReport> {
  const country = options.defaultCountry ?? 'US';
  const now = (options.now ?? new Date()).toISOString();
  const rejected: RejectedRow[] = [];
  const { rows, pending } = options.format === 'csv' ? fromCsv(options.text, country, rejected) : fromJson(options.text, country, rejected);
  let imported = 0;
  let updated = 0;
  await contactsCollection(storage);
  const notes = storage.collection('notes');
  for (const entry of pending.values()) {
    const change: ContactChange = { set: entry.change.set };
    if (Object.keys(entry.change.attributes ?? {}).length) change.attributes = entry.change.attributes!;
    if (entry.change.dependents?.length) change.dependents = entry.change.dependents;
    const { contact, created } = await upsertContactRecord(storage, entry.phone, change, now);
    if (created) imported++;
    else updated++;
    for (const text of entry.notes) await notes.insertOne({ _id: newId('NT'), contactId: contact._id, text, at: now, source: 'import' });
  }
  rejected.sort((a, b) => a.row - b.row);
  return { rows, imported, updated, rejected };
}
