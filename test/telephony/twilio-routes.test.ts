/**
 * Twilio's surface over real HTTP and WebSocket: signatures on webhooks and on
 * the media stream upgrade (403 and nothing started when wrong), the polite
 * refusal of a number no flow answers, status callbacks, and outbound calls
 * through POST /api/calls and the fake Twilio REST API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createTwilioCallSimulator } from '../../engine/testing/twilio-call-simulator.js';
import { CLINIC_NUMBER, MARIA, PUBLIC_URL, callIdOf, startLiveHarness, type LiveHarness } from '../helpers/live-call-harness.js';

const MEDIA_URL = `${PUBLIC_URL.replace('https', 'wss')}/twilio/media`;

describe('Twilio routes', () => {
  let harness: LiveHarness;
  beforeAll(async () => {
    harness = await startLiveHarness({ flows: ['dental-outreach.yaml'], routes: { [CLINIC_NUMBER]: 'dental-outreach' } });
  });
  afterAll(() => harness?.close());

  const callCount = async () => (await harness.engine.repositories.calls.list()).items.length;
  const voiceParams = { CallSid: 'CA' + '1'.repeat(32), AccountSid: 'AC00000000000000000000000000000001', From: MARIA, To: CLINIC_NUMBER, Direction: 'inbound' };

  it('refuses a voice webhook with a wrong or missing signature (403) and records nothing', async () => {
    const before = await callCount();
    const forged = await harness.webhook('/twilio/voice', voiceParams, harness.sign('/twilio/voice', { ...voiceParams, To: '+15125550999' }));
    expect(forged.status).toBe(403);
    expect(JSON.parse(forged.body).error.code).toBe('TWILIO_SIGNATURE_INVALID');
    const unsigned = await fetch(`http://127.0.0.1:${harness.port}/twilio/voice`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(voiceParams).toString() });
    expect(unsigned.status).toBe(403);
    // Signed for another URL (Twilio signs the URL it was configured with, PUBLIC_URL).
    const elsewhere = await harness.webhook('/twilio/voice', voiceParams, harness.sign('/twilio/status', voiceParams));
    expect(elsewhere.status).toBe(403);
    expect(await callCount()).toBe(before);
  });

  it('refuses the media stream upgrade with a wrong signature (403): no call starts, the model is never called', async () => {
    const before = await callCount();
    const wrongToken = createTwilioCallSimulator({ url: `ws://127.0.0.1:${harness.port}/twilio/media`, authToken: 'not-the-auth-token', signedUrl: MEDIA_URL, customParameters: { callId: 'whatever' } });
    await expect(wrongToken.start()).rejects.toThrow(/HTTP 403/);
    const wrongUrl = createTwilioCallSimulator({ url: `ws://127.0.0.1:${harness.port}/twilio/media`, authToken: harness.authToken, signedUrl: 'wss://somewhere-else.example/twilio/media' });
    await expect(wrongUrl.start()).rejects.toThrow(/HTTP 403/);
    const unsigned = new WebSocket(`ws://127.0.0.1:${harness.port}/twilio/media`);
    const status = await new Promise<number>((resolve) => {
      unsigned.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      unsigned.once('open', () => resolve(101));
    });
    expect(status).toBe(403);
    expect(harness.realtime.sessions).toHaveLength(0);
    expect(harness.engine.runtime.liveCalls.size).toBe(0);
    expect(await callCount()).toBe(before);
  });

  it('answers a routed number with a media stream carrying the call id, and records the call as ringing', async () => {
    const params = { ...voiceParams, CallSid: 'CA' + '2'.repeat(32) };
    const answer = await harness.webhook('/twilio/voice', params);
    expect(answer.status).toBe(200);
    const callId = callIdOf(answer.body);
    expect(answer.body).toBe(
      `<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url="${MEDIA_URL}"><Parameter name="callId" value="${callId}"/></Stream></Connect></Response>`,
    );
    const { call } = await harness.record(callId);
    expect(call).toMatchObject({ direction: 'inbound', flowId: 'dental-outreach', flowVersion: 1, status: 'ringing', from: MARIA, to: CLINIC_NUMBER, twilioSid: params.CallSid });
    // Twilio retries a webhook it did not get an answer to: the same call, not a second one.
    expect(callIdOf((await harness.webhook('/twilio/voice', params)).body)).toBe(callId);

    // Status callbacks land on the record (the call never streamed: Twilio's `completed` ends it).
    expect((await harness.webhook('/twilio/status', { CallSid: params.CallSid, CallStatus: 'completed' })).status).toBe(204);
    const after = await harness.record(callId);
    expect(after.call).toMatchObject({ status: 'ended', endReason: 'completed' });
    expect(after.events.map((e) => e.data)).toContainEqual({ text: 'Twilio call status', callStatus: 'completed' });
  });

  it('says a polite goodbye on a number no flow answers, and records the failure', async () => {
    const params = { ...voiceParams, CallSid: 'CA' + '3'.repeat(32), To: '+15125550777' };
    const answer = await harness.webhook('/twilio/voice', params);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><Response><Say>Sorry, this number cannot take your call right now\. [^<]+<\/Say><Hangup\/><\/Response>$/);
    const refused = await harness.engine.repositories.calls.findByTwilioSid(params.CallSid);
    expect(refused).toMatchObject({ status: 'failed', endReason: 'TWILIO_NUMBER_NOT_ROUTED', to: '+15125550777' });
  });

  it('refuses a media stream for a call it did not set up, and records nothing new', async () => {
    const before = await callCount();
    const stray = createTwilioCallSimulator({ url: `ws://127.0.0.1:${harness.port}/twilio/media`, authToken: harness.authToken, signedUrl: MEDIA_URL, customParameters: { callId: 'not-a-call' } });
    await stray.start();
    expect((await stray.closed).code).toBe(1008);
    expect(harness.realtime.sessions).toHaveLength(0);
    expect(await callCount()).toBe(before);
  });

  it('places an outbound call through Twilio REST: recorded queued with the Call SID, webhooks on PUBLIC_URL', async () => {
    const response = await harness.app.inject({ method: 'POST', url: '/api/calls', payload: { to: '+1 (512) 555-0142', flowId: 'dental-outreach', context: { org: { name: 'Jefferson Dental' } } } });
    expect(response.statusCode).toBe(201);
    const call = response.json();
    expect(call).toMatchObject({ direction: 'outbound', status: 'queued', to: MARIA, from: '+15125550100', flowId: 'dental-outreach', flowVersion: 1, twilioSid: expect.stringMatching(/^CA/) });
    const placed = harness.twilioRest.calls.find((c) => c.sid === call.twilioSid);
    expect(placed).toMatchObject({
      to: MARIA,
      from: '+15125550100',
      url: `${PUBLIC_URL}/twilio/voice?callId=${call.id}`,
      statusCallback: `${PUBLIC_URL}/twilio/status?callId=${call.id}`,
    });
  });

  it('refuses outbound calls it cannot place, with coded errors and no call to Twilio', async () => {
    const placedBefore = harness.twilioRest.calls.length;
    const unknownFlow = await harness.app.inject({ method: 'POST', url: '/api/calls', payload: { to: MARIA, flowId: 'no-such-flow' } });
    expect([unknownFlow.statusCode, unknownFlow.json().error.code]).toEqual([404, 'FLOW_NOT_FOUND']);
    const badContext = await harness.app.inject({ method: 'POST', url: '/api/calls', payload: { to: MARIA, flowId: 'dental-outreach', context: { parentName: 42 } } });
    expect([badContext.statusCode, badContext.json().error.code]).toEqual([422, 'RUNTIME_CALL_START_FAILED']);
    const badNumber = await harness.app.inject({ method: 'POST', url: '/api/calls', payload: { to: '555-0142', flowId: 'dental-outreach' } });
    expect(badNumber.json().error.code).toBe('NUMBER_INVALID');
    const badBody = await harness.app.inject({ method: 'POST', url: '/api/calls', payload: { to: MARIA } });
    expect([badBody.statusCode, badBody.json().error.code]).toEqual([400, 'API_BAD_REQUEST']);
    expect(harness.twilioRest.calls.length).toBe(placedBefore);
  });

  it('records a call Twilio refused to place as failed, with Twilio’s code', async () => {
    harness.twilioRest.failNext({ resource: 'calls', error: { status: 400, code: 21215, message: 'Geographic permission to this number is not enabled.' } });
    const response = await harness.app.inject({ method: 'POST', url: '/api/calls', payload: { to: '+442071838750', flowId: 'dental-outreach' } });
    expect([response.statusCode, response.json().error.code]).toEqual([502, 'TWILIO_REQUEST_FAILED']);
    expect(response.json().error.message).toContain('Twilio 21215');
    const failed = (await harness.engine.repositories.calls.list({ status: 'failed' })).items.find((c) => c.to === '+442071838750');
    expect(failed).toMatchObject({ endReason: 'TWILIO_REQUEST_FAILED' });
  });
});

describe('Twilio routes without Twilio configured', () => {
  let harness: LiveHarness;
  beforeAll(async () => {
    harness = await startLiveHarness({ env: { TWILIO_AUTH_TOKEN: '', PUBLIC_URL: '' } });
  });
  afterAll(() => harness?.close());

  it('refuses every Twilio request (nothing can be checked) and every outbound call', async () => {
    const voice = await harness.webhook('/twilio/voice', { CallSid: 'CA' + '4'.repeat(32) }, 'anything');
    expect([voice.status, JSON.parse(voice.body).error.code]).toEqual([503, 'TWILIO_NOT_CONFIGURED']);
    const stream = createTwilioCallSimulator({ url: `ws://127.0.0.1:${harness.port}/twilio/media`, authToken: 'anything', signedUrl: MEDIA_URL });
    await expect(stream.start()).rejects.toThrow(/HTTP 503/);
    const outbound = await harness.app.inject({ method: 'POST', url: '/api/calls', payload: { to: MARIA, flowId: 'dental-outreach' } });
    expect(outbound.json().error.code).toBe('TWILIO_NOT_CONFIGURED');
  });
});
