import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SendOutput } from '../../../connectors/sms/index.js';
import { handleStatusCallback, isOptedOut, recordInboundMessage, updateDeliveryStatus } from '../../../connectors/sms/messages.js';
import { type ConnectorTestKit, loadConnectorForTest } from '../../../engine/testing/connector-test-kit.js';
import { TWILIO_ERRORS, createFakeTwilioRest } from '../../../engine/testing/fake-twilio-rest.js';

const fake = createFakeTwilioRest();
const FROM = '+15125550199';
const env = { TWILIO_ACCOUNT_SID: fake.accountSid, TWILIO_AUTH_TOKEN: fake.authToken, TWILIO_SMS_FROM: FROM, PARLEY_SMS_STATUS_CALLBACK_URL: 'https://parley.example.com/twilio/sms-status' };
const templates = { confirmation: '{{org}}: {{names}} are booked for {{when}}. Reply STOP to opt out.', reminder: 'Reminder from {{org}}: {{when}}.' };
const call = { id: 'call-7', from: '+15125550142', to: FROM, direction: 'outbound' as const, flowId: 'dental-outreach' };
let kit: ConnectorTestKit;

beforeAll(async () => {
  kit = await loadConnectorForTest('sms', { env, config: { templates }, services: { twilioHttpClient: fake.httpClient }, now: '2026-01-05T15:00:00Z' });
});
afterAll(async () => {
  await kit?.close();
});
beforeEach(() => fake.reset());

describe('sms: sending through Twilio (fake REST API via the twilio package)', () => {
  it('renders a body template, sends it, and stores the message with its SID', async () => {
    const sent = await kit.ok<SendOutput>('send', { to: '(512) 555-0142', body: 'Hi {{name}}, see you {{when}}.', variables: { name: 'Maria', when: 'Tuesday at 2:00 PM' } }, { call });
    expect(sent).toMatchObject({ status: 'queued', segments: 1, to: '+15125550142' });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.data).toEqual({ To: '+15125550142', From: FROM, Body: 'Hi Maria, see you Tuesday at 2:00 PM.', StatusCallback: 'https://parley.example.com/twilio/sms-status' });
    const stored = await kit.storage.collection('messages').findOne({ _id: sent.sid });
    expect(stored).toMatchObject({ to: '+15125550142', from: FROM, status: 'queued', callId: 'call-7', flowId: 'dental-outreach', createdAt: '2026-01-05T15:00:00.000Z' });
    // The log has the SID, never the number, the text or the token.
    const logText = JSON.stringify(kit.logs);
    expect(logText).toContain(sent.sid);
    expect(logText).not.toContain('5550142');
    expect(logText).not.toContain('Maria');
    expect(logText).not.toContain(fake.authToken);
  });

  it('uses named templates from the configuration', async () => {
    await kit.ok('send', { to: '+15125550142', template: 'confirmation', variables: { org: 'Jefferson Dental', names: 'Tony and Paula', when: 'Tuesday, January 6 at 2:00 PM' } });
    expect(fake.messages[0]!.body).toBe('Jefferson Dental: Tony and Paula are booked for Tuesday, January 6 at 2:00 PM. Reply STOP to opt out.');
  });

  it.each([
    [{ to: '+15125550142', template: 'nope' }, 'SMS_TEMPLATE_INVALID', 'No template "nope" (configured: confirmation, reminder)'],
    [{ to: '+15125550142', template: 'reminder', variables: { org: 'X' } }, 'SMS_TEMPLATE_INVALID', 'template variable "when" was not given'],
    [{ to: '+15125550142', body: 'Hi {{constructor.name}}' }, 'SMS_TEMPLATE_INVALID', 'forbidden name "constructor"'],
    [{ to: '+15125550142', body: 'Hi {{#if x}}' }, 'SMS_TEMPLATE_INVALID', 'not a valid {{variable}} placeholder'],
    [{ to: '+15125550142', template: 'toString' }, 'SMS_TEMPLATE_INVALID', 'No template "toString"'],
    [{ to: '+15125550142' }, 'CONNECTOR_INPUT_INVALID', 'either `body` or `template`'],
    [{ to: '+15125550142', body: 'x', template: 'reminder' }, 'CONNECTOR_INPUT_INVALID', 'either `body` or `template`'],
    [{ to: '+15125550142', body: '{{text}}', variables: { text: 'x'.repeat(1700) } }, 'CONNECTOR_INPUT_INVALID', "1700 characters; Twilio's limit is 1600"],
    [{ to: 5125550142, body: 'x' }, 'CONNECTOR_INPUT_INVALID', 'input.to: must be string'],
    [{ body: 'x' }, 'CONNECTOR_INPUT_INVALID', 'missing required field `to`'],
    [{ to: '555-0142', body: 'x' }, 'PHONE_NUMBER_INVALID', 'needs its 3-digit area code'],
  ])('refuses %j with %s before calling Twilio', async (input, code, message) => {
    const error = await kit.fails('send', input, code);
    expect(error.message).toContain(message);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('sms: Twilio errors become codes', () => {
  it('21211 invalid number and 21614 landline → SMS_INVALID_NUMBER', async () => {
    fake.failNext({ resource: 'messages', error: TWILIO_ERRORS.invalidNumber });
    expect((await kit.fails('send', { to: '+15125550150', body: 'hi' }, 'SMS_INVALID_NUMBER')).message).toBe("Twilio 21211: The 'To' number is not a valid phone number.");
    fake.failNext({ resource: 'messages', error: TWILIO_ERRORS.notMobile });
    await kit.fails('send', { to: '+15125550150', body: 'hi' }, 'SMS_INVALID_NUMBER');
  });

  it('21610 unsubscribed → SMS_OPTED_OUT, remembered so Twilio is not asked again', async () => {
    fake.failNext({ resource: 'messages', to: '+15125550151', error: TWILIO_ERRORS.unsubscribedRecipient });
    await kit.fails('send', { to: '+15125550151', body: 'hi' }, 'SMS_OPTED_OUT');
    expect(await isOptedOut(kit.storage, '+15125550151')).toBe(true);
    await kit.fails('send', { to: '+15125550151', body: 'hi again' }, 'SMS_OPTED_OUT');
    expect(fake.requests).toHaveLength(1);
  });

  it('500 → CONNECTOR_FAILED, sent once: sending is never retried', async () => {
    fake.failNext({ resource: 'messages', error: TWILIO_ERRORS.internalError, times: 5 });
    expect((await kit.fails('send', { to: '+15125550152', body: 'hi' }, 'CONNECTOR_FAILED')).message).toContain('Twilio is unavailable (Twilio 20500');
    expect(fake.requests).toHaveLength(1);
  });

  it('other refusals → SMS_REJECTED with Twilio\'s code', async () => {
    fake.failNext({ resource: 'messages', error: { status: 400, code: 21408, message: 'Permission to send an SMS has not been enabled for the region indicated by the \'To\' number' } });
    expect((await kit.fails('send', { to: '+15125550153', body: 'hi' }, 'SMS_REJECTED')).message).toContain('Twilio 21408');
  });

  it('a wrong auth token → CONNECTOR_CONFIG_INVALID, and the token never shows', async () => {
    const other = await loadConnectorForTest('sms', { env: { ...env, TWILIO_AUTH_TOKEN: 'not-the-right-token-123' }, services: { twilioHttpClient: fake.httpClient } });
    try {
      const error = await other.fails('send', { to: '+15125550154', body: 'hi' }, 'CONNECTOR_CONFIG_INVALID');
      expect(error.message).toContain('20003');
      expect(JSON.stringify([error, other.logs])).not.toContain('not-the-right-token-123');
    } finally {
      await other.close();
    }
  });

  it('a slow Twilio → CONNECTOR_TIMEOUT', async () => {
    fake.delay(300);
    await kit.fails('send', { to: '+15125550155', body: 'hi' }, 'CONNECTOR_TIMEOUT', { timeoutMs: 80 });
  });

  it('without Twilio settings the connector is not configured and says which variables to set', async () => {
    const bare = await loadConnectorForTest('sms', { allowUnconfigured: true });
    try {
      expect(bare.host.catalog().sms).toMatchObject({ configured: false, problem: { code: 'CONNECTOR_NOT_CONFIGURED', message: 'Connector "sms" is not configured: set TWILIO_ACCOUNT_SID (accountSid), TWILIO_AUTH_TOKEN (authToken), TWILIO_SMS_FROM (from)' } });
      await bare.fails('send', { to: '+15125550142', body: 'hi' }, 'CONNECTOR_NOT_CONFIGURED');
    } finally {
      await bare.close();
    }
  });
});

describe('sms: STOP / START and delivery status', () => {
  it('STOP opts a number out, START opts it back in', async () => {
    expect(await recordInboundMessage(kit.storage, { from: '+15125550160', body: ' Stop. ' })).toEqual({ action: 'opted-out', phone: '+15125550160' });
    await kit.fails('send', { to: '512-555-0160', body: 'hi' }, 'SMS_OPTED_OUT');
    expect(fake.requests).toHaveLength(0);
    expect(await recordInboundMessage(kit.storage, { from: '+15125550160', body: 'stop texting me please' })).toEqual({ action: 'none', phone: '+15125550160' });
    expect(await recordInboundMessage(kit.storage, { from: '+15125550160', body: 'HELP' })).toMatchObject({ action: 'help' });
    expect(await recordInboundMessage(kit.storage, { from: '+15125550160', body: 'start' })).toEqual({ action: 'opted-in', phone: '+15125550160' });
    await kit.ok('send', { to: '512-555-0160', body: 'Welcome back' });
    for (const word of ['UNSUBSCRIBE', 'cancel', 'End', 'QUIT', 'STOPALL']) {
      expect((await recordInboundMessage(kit.storage, { from: '+15125550161', body: word })).action).toBe('opted-out');
    }
  });

  it('keeps the delivery status moving forward only, from status callbacks', async () => {
    const { sid } = await kit.ok<SendOutput>('send', { to: '+15125550170', body: 'hi' });
    expect(await handleStatusCallback(kit.storage, { MessageSid: sid, MessageStatus: 'sent' })).toEqual({ found: true, updated: true, status: 'sent' });
    expect(await updateDeliveryStatus(kit.storage, sid, 'delivered')).toEqual({ found: true, updated: true, status: 'delivered' });
    // A late, out-of-order callback does not undo delivery.
    expect(await updateDeliveryStatus(kit.storage, sid, 'sent')).toEqual({ found: true, updated: false, status: 'delivered' });
    expect(await kit.ok('getMessage', { sid })).toMatchObject({ sid, status: 'delivered', to: '+15125550170' });
    const stored = await kit.storage.collection('messages').findOne({ _id: sid });
    expect((stored!.history as Array<{ status: string }>).map((h) => h.status)).toEqual(['queued', 'sent', 'delivered']);
  });

  it('records undelivered with Twilio\'s error code, and ignores SIDs it never sent', async () => {
    const { sid } = await kit.ok<SendOutput>('send', { to: '+15125550171', body: 'hi' });
    expect(await handleStatusCallback(kit.storage, { MessageSid: sid, MessageStatus: 'undelivered', ErrorCode: '30003' })).toMatchObject({ updated: true });
    expect(await kit.ok('getMessage', { sid })).toMatchObject({ status: 'undelivered', errorCode: 30003 });
    expect(await updateDeliveryStatus(kit.storage, 'SM' + 'f'.repeat(32), 'delivered')).toEqual({ found: false, updated: false });
    expect(await updateDeliveryStatus(kit.storage, sid, 'teleported')).toEqual({ found: true, updated: false, status: 'undelivered' });
    await kit.fails('getMessage', { sid: 'SM' + 'e'.repeat(32) }, 'SMS_MESSAGE_NOT_FOUND');
    await kit.fails('getMessage', { sid: 'not-a-sid' }, 'CONNECTOR_INPUT_INVALID');
  });
});
