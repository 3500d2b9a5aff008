/**
 * The CRM connector: contacts keyed by E.164 phone number (whatever format the
 * caller, the model or Twilio gives), households with dependents (a parent and
 * their children), notes and an interaction log. Import from CSV or JSON with
 * `importContacts` (`import-contacts.ts`); seed data in `seed.ts`.
 */
import { defineConnector, operation } from '../../engine/connectors/define-connector.js';

/** The CRM connector's configuration. */
export interface CrmConfig {
  defaultCountry: string;
}

/** A dependent as operations return it; `age` is computed from `birthDate` when known. */
export interface DependentView {
  name: string;
  age?: number;
  birthDate?: string;
  relationship?: string;
  notes?: string;
}

/** A contact as operations return it. */
export interface ContactView {
  found: boolean;
  contactId?: string;
  name?: string;
  firstName?: string;
  language?: string;
  tags?: string[];
  dependents?: DependentView[];
  lastInteraction?: { at: string; channel: string; outcome?: string; summary?: string };
  phone?: string;
  email?: string;
  address?: string;
  attributes?: Record<string, unknown>;
  notes?: Array<{ at: string; text: string }>;
}

export interface LookupInput {
  phone: string;
}
export interface UpsertInput {
  phone: string;
  name?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  language?: string;
  address?: string;
  tags?: string[];
  dependents?: Array<{ name: string; age?: number; birthDate?: string; relationship?: string; notes?: string }>;
  attributes?: Record<string, unknown>;
}
export interface AddDependentInput {
  phone: string;
  name: string;
  age?: number;
  birthDate?: string;
  relationship?: string;
  notes?: string;
}
export interface AddNoteInput {
  phone: string;
  text: string;
}
export interface LogInteractionInput {
  phone: string;
  summary?: string;
  outcome?: string;
  channel: 'call' | 'sms' | 'chat' | 'email';
  direction?: 'inbound' | 'outbound';
  createIfMissing: boolean;
}
export interface GetInteractionsInput {
  phone: string;
  limit: number;
}

const phone = { type: 'string', minLength: 3, maxLength: 64, description: 'Phone number in any format (E.164, (512) 555-0100, spoken digits); usually bound to the caller\'s number.' } as const;
const DATE = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
const dependentInput = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100, description: 'First name, e.g. Tony.' },
    age: { type: 'integer', minimum: 0, maximum: 130, description: 'Age in years, when no birth date is known.' },
    birthDate: { ...DATE, description: 'Birth date, YYYY-MM-DD.' },
    relationship: { type: 'string', maxLength: 40, description: 'e.g. child, spouse.' },
    notes: { type: 'string', maxLength: 500 },
  },
} as const;

const contactOutput = {
  type: 'object',
  additionalProperties: false,
  required: ['found'],
  properties: {
    found: { type: 'boolean', description: 'Whether a contact has this number.' },
    contactId: { type: 'string' },
    name: { type: 'string', description: 'Full name.' },
    firstName: { type: 'string' },
    language: { type: 'string', description: 'Preferred language.' },
    tags: { type: 'array', items: { type: 'string' } },
    dependents: {
      type: 'array',
      description: 'People in the household the contact speaks for (children).',
      items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, age: { type: 'integer' }, birthDate: { type: 'string' }, relationship: { type: 'string' }, notes: { type: 'string' } } },
    },
    lastInteraction: { type: 'object', required: ['at', 'channel'], properties: { at: { type: 'string' }, channel: { type: 'string' }, outcome: { type: 'string' }, summary: { type: 'string' } } },
    phone: { type: 'string', description: 'E.164.' },
    email: { type: 'string' },
    address: { type: 'string' },
    attributes: { type: 'object', description: 'Other fields (insurance ids, vehicles, preferences).' },
    notes: { type: 'array', description: 'Most recent notes, newest first.', items: { type: 'object', required: ['at', 'text'], properties: { at: { type: 'string' }, text: { type: 'string' } } } },
  },
} as const;

/** Fields of a contact that are personal data: hidden from the model unless a binding's `expose` names them. */
const CONTACT_PII = ['phone', 'email', 'address', 'attributes', 'notes'];

export default defineConnector({
  name: 'crm',
  version: '1.0.0',
  description: 'Contacts by phone number with households, notes and an interaction log; CSV/JSON import.',
  config: {
    type: 'object',
    properties: {
      defaultCountry: { type: 'string', pattern: '^[A-Z]{2}$', default: 'US', description: 'Country of phone numbers given without a country code (ISO 3166 alpha-2).', 'x-env': 'PARLEY_DEFAULT_COUNTRY' },
    },
  },
  operations: {
    lookupContact: operation<LookupInput, ContactView>({
      description: 'Look the caller up by phone number: name, language, the household\'s dependents (e.g. children with ages) and the last interaction. `found` is false for new callers.',
      idempotent: true,
      pii: CONTACT_PII,
      input: { type: 'object', additionalProperties: false, required: ['phone'], properties: { phone } },
      output: contactOutput,
    }),
    upsertContact: operation<UpsertInput, ContactView>({
      description: 'Create or update the contact with this phone number. Given fields replace stored ones; `attributes` are merged.',
      idempotent: true,
      pii: CONTACT_PII,
      input: {
        type: 'object',
        additionalProperties: false,
        required: ['phone'],
        properties: {
          phone,
          name: { type: 'string', minLength: 1, maxLength: 200, description: 'Full name.' },
          firstName: { type: 'string', maxLength: 100 },
          lastName: { type: 'string', maxLength: 100 },
          email: { type: 'string', format: 'email', maxLength: 200 },
          language: { type: 'string', maxLength: 40, description: 'Preferred language, e.g. Spanish.' },
          address: { type: 'string', maxLength: 300 },
          tags: { type: 'array', items: { type: 'string', maxLength: 40 }, maxItems: 20 },
          dependents: { type: 'array', maxItems: 20, items: dependentInput, description: 'Replaces the household\'s dependents.' },
          attributes: { type: 'object', description: 'Other fields to store (merged).' },
        },
      },
      output: contactOutput,
    }),
    addDependent: operation<AddDependentInput, ContactView>({
      description: 'Add a dependent (e.g. a child) to the contact\'s household, or update the one with the same name.',
      idempotent: true,
      pii: CONTACT_PII,
      input: { type: 'object', additionalProperties: false, required: ['phone', 'name'], properties: { phone, ...dependentInput.properties } },
      output: contactOutput,
    }),
    addNote: operation<AddNoteInput, { noteId: string; contactId: string; at: string }>({
      description: 'Add a note to the contact\'s record.',
      idempotent: false,
      input: { type: 'object', additionalProperties: false, required: ['phone', 'text'], properties: { phone, text: { type: 'string', minLength: 1, maxLength: 2000, description: 'The note.' } } },
      output: { type: 'object', additionalProperties: false, required: ['noteId', 'contactId', 'at'], properties: { noteId: { type: 'string' }, contactId: { type: 'string' }, at: { type: 'string' } } },
    }),
    logInteraction: operation<LogInteractionInput, { interactionId: string; contactId: string; at: string; created: boolean }>({
      description: 'Record an interaction (this call, by default) in the contact\'s log, with its outcome and a short summary.',
      idempotent: false,
      input: {
        type: 'object',
        additionalProperties: false,
        required: ['phone'],
        properties: {
          phone,
          summary: { type: 'string', maxLength: 2000, description: 'What happened, in a sentence or two.' },
          outcome: { type: 'string', maxLength: 100, description: 'e.g. booked, callback_requested, not_interested.' },
          channel: { enum: ['call', 'sms', 'chat', 'email'], default: 'call' },
          direction: { enum: ['inbound', 'outbound'], description: 'Default: the call\'s direction.' },
          createIfMissing: { type: 'boolean', default: false, description: 'Create a contact for an unknown number instead of failing.' },
        },
      },
      output: {
        type: 'object',
        additionalProperties: false,
        required: ['interactionId', 'contactId', 'at', 'created'],
        properties: { interactionId: { type: 'string' }, contactId: { type: 'string' }, at: { type: 'string' }, created: { type: 'boolean', description: 'Whether the contact was created now.' } },
      },
    }),
    getInteractions: operation<GetInteractionsInput, { interactions: Array<{ at: string; channel: string; direction?: string; outcome?: string; summary?: string }>; count: number }>({
      description: 'The contact\'s most recent interactions, newest first.',
      idempotent: true,
      input: { type: 'object', additionalProperties: false, required: ['phone'], properties: { phone, limit: { type: 'integer', minimum: 1, maximum: 50, default: 5 } } },
      output: {
        type: 'object',
        additionalProperties: false,
        required: ['interactions', 'count'],
        properties: {
          interactions: { type: 'array', items: { type: 'object', required: ['at', 'channel'], properties: { at: { type: 'string' }, channel: { type: 'string' }, direction: { type: 'string' }, outcome: { type: 'string' }, summary: { type: 'string' } } } },
          count: { type: 'integer' },
        },
      },
    }),
  },
  handlers: () => import('./handlers.js'),
});
