import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { TWILIO_API_HOST, TWILIO_ERRORS, createFakeTwilioRest } from '../../engine/testing/fake-twilio-rest.js';
import { createManualClock } from '../../engine/util/clock.js';

describe('fake Twilio REST API through the twilio package', () => {
  it('creates and fetches messages, recording the form parameters the package sent', async () => {
    const fake = createFakeTwilioRest({ clock: createManualClock(Date.UTC(2026, 0, 5, 15, 0, 0)) });
    const client = fake.client();
    const message = await client.messages.create({ to: '+15125550142', from: '+15125550100', body: 'Your appointment is Monday at 9:00 AM.', statusCallback: 'https://parley.example/twilio/sms-status' });
    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(message.status).toBe('queued');
    expect(message.numSegments).toBe('1');
    expect(message.dateCreated.toISOString()).toBe('2026-01-05T15:00:00.000Z');
    expect(fake.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        url: `https://${TWILIO_API_HOST}/2010-04-01/Accounts/${fake.accountSid}/Messages.json`,
        resource: 'messages',
        username: fake.accountSid,
        status: 201,
        data: { To: '+15125550142', From: '+15125550100', Body: 'Your appointment is Monday at 9:00 AM.', StatusCallback: 'https://parley.example/twilio/sms-status' },
      }),
    ]);
    fake.setMessageStatus(message.sid, 'delivered');
    expect((await client.messages(message.sid).fetch()).status).toBe('delivered');
  });

  it('validates like Twilio: bad To (21211), missing From (21603), missing body (21602), too long (21617)', async () => {
    const fake = createFakeTwilioRest();
    const client = fake.client();
    await expect(client.messages.create({ to: '555-0142', from: '+15125550100', body: 'x' })).rejects.toMatchObject({ status: 400, code: 21211, moreInfo: 'https://www.twilio.com/docs/errors/21211' });
    await expect(client.messages.create({ to: '+15125550142', body: 'x' })).rejects.toMatchObject({ code: 21603 });
    await expect(client.messages.create({ to: '+15125550142', from: '+15125550100' })).rejects.toMatchObject({ code: 21602 });
    await expect(client.messages.create({ to: '+15125550142', from: '+15125550100', body: 'x'.repeat(1601) })).rejects.toMatchObject({ code: 21617 });
    expect(fake.messages).toHaveLength(0);
    expect(fake.requests.map((r) => r.status)).toEqual([400, 400, 400, 400]);
  });

  it('fails on demand with Twilio\'s error JSON, for matching requests only', async () => {
    const fake = createFakeTwilioRest();
    const client = fake.client();
    fake.failNext({ resource: 'messages', to: '+15125550177', error: TWILIO_ERRORS.unsubscribedRecipient });
    fake.failNext({ resource: 'messages', error: TWILIO_ERRORS.internalError, times: 2 });
    await expect(client.messages.create({ to: '+15125550177', from: '+15125550100', body: 'hi' })).rejects.toMatchObject({ status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' });
    await expect(client.messages.create({ to: '+15125550142', from: '+15125550100', body: 'hi' })).rejects.toMatchObject({ status: 500, code: 20500 });
    await expect(client.messages.create({ to: '+15125550142', from: '+15125550100', body: 'hi' })).rejects.toMatchObject({ status: 500 });
    await expect(client.messages.create({ to: '+15125550177', from: '+15125550100', body: 'hi' })).resolves.toMatchObject({ status: 'queued' });
    expect(fake.requests).toHaveLength(4);
  });

  it('refuses wrong credentials with 20003', async () => {
    const fake = createFakeTwilioRest();
    const client = twilio(fake.accountSid, 'not-the-token', { httpClient: fake.httpClient });
    await expect(client.messages.create({ to: '+15125550142', from: '+15125550100', body: 'hi' })).rejects.toMatchObject({ status: 401, code: 20003 });
  });

  it('creates, redirects and hangs up calls', async () => {
    const fake = createFakeTwilioRest();
    const client = fake.client();
    await expect(client.calls.create({ to: '+15125550142', from: '+15125550100' })).rejects.toMatchObject({ code: 21205 });
    const call = await client.calls.create({ to: '+15125550142', from: '+15125550100', url: 'https://parley.example/twilio/voice' });
    expect(call).toMatchObject({ status: 'queued', to: '+15125550142' });
    fake.setCallStatus(call.sid, 'in-progress');
    await client.calls(call.sid).update({ twiml: '<Response><Dial>+15125550199</Dial></Response>' });
    expect(fake.calls[0]!.twiml).toBe('<Response><Dial>+15125550199</Dial></Response>');
    const ended = await client.calls(call.sid).update({ status: 'completed' });
    expect(ended.status).toBe('completed');
    await expect(client.calls(call.sid).update({ url: 'https://parley.example/x' })).rejects.toMatchObject({ code: 21220 });
    expect((await client.calls(call.sid).fetch()).status).toBe('completed');
    expect(fake.calls[0]!.updates).toEqual([{ Twiml: '<Response><Dial>+15125550199</Dial></Response>' }, { Status: 'completed' }]);
    await expect(client.calls('CA' + 'f'.repeat(32)).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
  });

  it('can be slowed down for timeout tests', async () => {
    const fake = createFakeTwilioRest();
    fake.delay(60);
    const started = performance.now();
    await fake.client().messages.create({ to: '+15125550142', from: '+15125550100', body: 'hi' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });
});
