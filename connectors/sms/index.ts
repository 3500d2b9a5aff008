/**
 * The SMS connector: text messages through Twilio Messages. Bodies are
 * `{{variable}}` templates; numbers that replied STOP are never messaged;
 * every message is stored with its SID and delivery status, kept current by
 * Twilio's status callbacks (`updateDeliveryStatus` in `messages.ts`, mounted
 * by the server). Config: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN (secret),
 * TWILIO_SMS_FROM.
 */
import { defineConnector, operation } from '../../engine/connectors/define-connector.js';

/** The SMS connector's configuration. */
export interface SmsConfig {
  accountSid: string;
  authToken: string;
  from: string;
  messagingServiceSid?: string;
  statusCallbackUrl?: string;
  defaultCountry: string;
  templates: Record<string, string>;
}

export interface SendInput {
  to: string;
  body?: string;
  template?: string;
  variables?: Record<string, unknown>;
}
export interface SendOutput {
  sid: string;
  status: string;
  segments: number;
  to: string;
}
export interface GetMessageInput {
  sid: string;
}
export interface GetMessageOutput {
  sid: string;
  status: string;
  errorCode?: number;
  updatedAt: string;
  to: string;
}

const SID = { type: 'string', pattern: '^(SM|MM)[0-9a-fA-F]{32}$', description: 'Twilio message SID, e.g. SM0123…' } as const;

export default defineConnector({
  name: 'sms',
  version: '1.0.0',
  description: 'Sends text messages through Twilio, with templates, STOP opt-outs and delivery status.',
  config: {
    type: 'object',
    required: ['accountSid', 'authToken', 'from'],
    properties: {
      accountSid: { type: 'string', pattern: '^AC[0-9a-fA-F]{32}$', description: 'Twilio account SID (AC…).', 'x-env': 'TWILIO_ACCOUNT_SID' },
      authToken: { type: 'string', minLength: 8, description: 'Twilio auth token.', 'x-env': 'TWILIO_AUTH_TOKEN', 'x-secret': true },
      from: { type: 'string', pattern: '^\\+[1-9][0-9]{7,14}$', description: 'Number messages are sent from, E.164 (a Twilio number with SMS).', 'x-env': 'TWILIO_SMS_FROM' },
      messagingServiceSid: { type: 'string', pattern: '^MG[0-9a-fA-F]{32}$', description: 'Twilio Messaging Service to send through (optional).', 'x-env': 'TWILIO_MESSAGING_SERVICE_SID' },
      statusCallbackUrl: { type: 'string', format: 'uri', description: 'Public URL of the status-callback route, e.g. https://parley.example.com/twilio/sms-status. Without it, statuses stay as Twilio first answered.', 'x-env': 'PARLEY_SMS_STATUS_CALLBACK_URL' },
      defaultCountry: { type: 'string', pattern: '^[A-Z]{2}$', default: 'US', description: 'Country of numbers given without a country code.', 'x-env': 'PARLEY_DEFAULT_COUNTRY' },
      templates: {
        type: 'object',
        default: {},
        additionalProperties: { type: 'string', minLength: 1 },
        description: 'Named message templates with {{variable}} placeholders, e.g. { "confirmation": "Hi {{name}}, see you {{when}} at {{place}}. Reply STOP to opt out." }. JSON in the environment.',
        'x-env': 'PARLEY_SMS_TEMPLATES',
      },
    },
  },
  operations: {
    send: operation<SendInput, SendOutput>({
      description: 'Send a text message. Give `body` (it may use {{variables}}) or the name of a configured `template`, plus `variables`. Numbers that replied STOP are refused.',
      idempotent: false,
      pii: ['to'],
      input: {
        type: 'object',
        additionalProperties: false,
        required: ['to'],
        properties: {
          to: { type: 'string', minLength: 3, maxLength: 64, description: 'Recipient phone number, any format; usually bound to the caller\'s number.' },
          body: { type: 'string', minLength: 1, maxLength: 1600, description: 'Message text; {{name}} placeholders are filled from `variables`.' },
          template: { type: 'string', minLength: 1, description: 'Name of a configured template, instead of `body`.' },
          variables: { type: 'object', description: 'Values for the placeholders, e.g. { "name": "Maria", "when": "Tuesday at 2:00 PM" }.' },
        },
      },
      output: {
        type: 'object',
        additionalProperties: false,
        required: ['sid', 'status', 'segments', 'to'],
        properties: {
          sid: { type: 'string', description: 'Twilio message SID.' },
          status: { type: 'string', description: 'Twilio status when accepted, usually queued.' },
          segments: { type: 'integer', description: 'SMS segments billed.' },
          to: { type: 'string', description: 'Recipient, E.164.' },
        },
      },
    }),
    getMessage: operation<GetMessageInput, GetMessageOutput>({
      description: 'Delivery status of a message sent earlier.',
      idempotent: true,
      pii: ['to'],
      input: { type: 'object', additionalProperties: false, required: ['sid'], properties: { sid: SID } },
      output: {
        type: 'object',
        additionalProperties: false,
        required: ['sid', 'status', 'updatedAt', 'to'],
        properties: {
          sid: { type: 'string' },
          status: { type: 'string', description: 'queued, sent, delivered, undelivered, failed, …' },
          errorCode: { type: 'integer', description: 'Twilio error code when undelivered or failed, e.g. 30003.' },
          updatedAt: { type: 'string' },
          to: { type: 'string' },
        },
      },
    }),
  },
  handlers: () => import('./handlers.js'),
});
