import twilio from 'twilio';
import { afterEach, describe, expect, it } from 'vitest';
import { MULAW_SILENCE, TWILIO_FRAME_BYTES, mulawLevel, mulawSilence } from '../../engine/audio/mulaw.js';
import { synthesizeSpeech } from '../../engine/audio/synthetic-speech.js';
import { createTwilioCallSimulator, type TwilioCallSimulator, type TwilioCallSimulatorOptions } from '../../engine/testing/twilio-call-simulator.js';
import { startTwilioTestServer, type TwilioTestServer } from '../helpers/twilio-test-server.js';

let server: TwilioTestServer | undefined;
let call: TwilioCallSimulator | undefined;
afterEach(async () => {
  call?.disconnect();
  await server?.close();
  server = undefined;
  call = undefined;
});

async function begin(options: Partial<TwilioCallSimulatorOptions> = {}, serverOptions: Parameters<typeof startTwilioTestServer>[0] = {}) {
  server = await startTwilioTestServer(serverOptions);
  call = createTwilioCallSimulator({ url: server.url, pacing: { mode: 'manual' }, ...options });
  await call.start();
  await server.log.waitFor((a) => a.message.type === 'start');
  return { server, call };
}

const frameBytes = (server: TwilioTestServer) =>
  server.messages('media').map((m) => Buffer.from(m.payload, 'base64'));

describe('Twilio call simulator: what it sends', () => {
  it('opens like Twilio: connected, start with the stream metadata, then media with string numbers', async () => {
    const { server, call } = await begin({ customParameters: { flowId: 'dental-outreach', patientId: '42' }, ids: { callSid: 'CA' + 'a'.repeat(32) } });
    call.advance(60);
    await server.log.waitFor((a) => a.message.type === 'media', { nth: 3 });
    const [connected, start, media] = server.log.entries;
    expect(connected!.message).toEqual({ type: 'connected', protocol: 'Call', version: '1.0.0' });
    expect(start!.message).toEqual({
      type: 'start',
      sequenceNumber: 1,
      streamSid: call.ids.streamSid,
      callSid: 'CA' + 'a'.repeat(32),
      accountSid: call.ids.accountSid,
      tracks: ['inbound'],
      customParameters: { flowId: 'dental-outreach', patientId: '42' },
      mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
    });
    expect(JSON.parse(media!.raw)).toEqual({
      event: 'media',
      sequenceNumber: '2',
      media: { track: 'inbound', chunk: '1', timestamp: '0', payload: Buffer.alloc(160, MULAW_SILENCE).toString('base64') },
      streamSid: call.ids.streamSid,
    });
    expect(server.messages('media').map((m) => [m.sequenceNumber, m.chunk, m.timestamp])).toEqual([
      [2, 1, 0],
      [3, 2, 20],
      [4, 3, 40],
    ]);
    expect(server.headers['user-agent']).toBe('Twilio.TmeWs/1.0');
  });

  it('sends one 160-byte frame per 20 ms of call time, speech for a line and silence around it', async () => {
    const { server, call } = await begin();
    const spoken = call.say('Yes, this is Maria.');
    call.advance(2000);
    await spoken;
    await server.log.waitFor((a) => a.message.type === 'media', { nth: 100 });
    const frames = frameBytes(server);
    expect(frames).toHaveLength(100);
    expect(frames.every((f) => f.length === TWILIO_FRAME_BYTES)).toBe(true);
    // 19 characters × 60 ms = 1140 ms: 57 frames of speech, then silence.
    const voiced = frames.map((f) => mulawLevel(f) > 0.05);
    expect(voiced.slice(0, 57).every(Boolean)).toBe(true);
    expect(voiced.slice(57).some(Boolean)).toBe(false);
    expect(call.events.filter((e) => e.kind === 'line-started' || e.kind === 'line-ended').map((e) => [e.kind, e.at])).toEqual([
      ['line-started', 20],
      ['line-ended', 1140],
    ]);
  });

  it('keeps a 20 ms cadence in real time, and a faster one when asked', async () => {
    for (const speed of [1, 4]) {
      const { server, call } = await begin({ pacing: { mode: 'realtime', speed } });
      const first = await server.log.waitFor((a) => a.message.type === 'media', { nth: 5 });
      const last = await server.log.waitFor((a) => a.message.type === 'media', { nth: 65 });
      const wallMs = last.wallMs - first.wallMs;
      // 60 frames are 1200 ms of call time. Allow for a busy machine (late timers catch up), not for a wrong rate.
      expect(wallMs).toBeGreaterThan((1200 / speed) * 0.8);
      expect(wallMs).toBeLessThan((1200 / speed) * 1.5 + 50);
      call.disconnect();
      await server.close();
    }
    server = undefined;
  });

  it('sends queued raw audio, keys and a hang-up', async () => {
    const { server, call } = await begin();
    const sent = call.sendAudio(synthesizeSpeech(50));
    call.advance(60);
    await sent;
    call.pressKeys('1#');
    const hungUp = call.hangUp();
    await server.log.waitFor((a) => a.message.type === 'stop');
    await hungUp;
    const voicedFrames = frameBytes(server).filter((f) => mulawLevel(f) > 0.05);
    expect(voicedFrames).toHaveLength(3);
    expect(server.messages('dtmf').map((m) => [m.digit, m.track])).toEqual([
      ['1', 'inbound_track'],
      ['#', 'inbound_track'],
    ]);
    expect(server.messages('stop')).toEqual([{ type: 'stop', sequenceNumber: 7, streamSid: call.ids.streamSid, callSid: call.ids.callSid, accountSid: call.ids.accountSid }]);
    expect((await call.closed).code).toBe(1000);
  });

  it('signs the upgrade with X-Twilio-Signature as Twilio does', async () => {
    const authToken = 'test-auth-token-0123456789abcdef';
    const publicUrl = 'wss://parley.example.com/twilio/media';
    const verify = (request: import('node:http').IncomingMessage) =>
      twilio.validateRequest(authToken, String(request.headers['x-twilio-signature'] ?? ''), publicUrl, {});
    await begin({ authToken, signedUrl: publicUrl }, { verify });
    expect(server!.headers['x-twilio-signature']).toBe(twilio.getExpectedTwilioSignature(authToken, publicUrl, {}));
    call!.disconnect();
    await server!.close();
    server = await startTwilioTestServer({ verify });
    call = createTwilioCallSimulator({ url: server.url, authToken: 'wrong-token', signedUrl: publicUrl, pacing: { mode: 'manual' } });
    await expect(call.start()).rejects.toThrow('refused the stream (HTTP 403)');
  });

  it('sends malformed frames on request, which Parley’s parser turns into invalid or unknown', async () => {
    const { server, call } = await begin();
    const kinds = ['not-json', 'binary', 'no-event', 'unknown-event', 'media-no-payload', 'media-bad-numbers', 'wrong-stream', 'huge'] as const;
    for (const kind of kinds) call.sendMalformed(kind);
    await server.log.waitFor(() => true, { nth: 2 + kinds.length });
    expect(server.log.entries.slice(2).map((a) => a.message.type)).toEqual(['invalid', 'invalid', 'invalid', 'unknown', 'invalid', 'invalid', 'media', 'media']);
  });
});

describe('Twilio call simulator: playing what Parley sends', () => {
  it('plays received audio in call time and echoes each mark when the audio before it has played', async () => {
    const { server, call } = await begin();
    server.sendAudio(synthesizeSpeech(1000));
    server.sendMark('a');
    server.sendAudio(synthesizeSpeech(500));
    server.sendMark('b');
    await call.waitFor((e) => e.kind === 'mark' && e.name === 'b');
    expect(call.playback).toMatchObject({ receivedMs: 1500, queuedMs: 1500, playedMs: 0, pendingMarks: ['a', 'b'] });
    call.advance(980);
    expect(call.marks.filter((m) => m.echoedAt !== undefined)).toEqual([]);
    call.advance(20);
    call.advance(500);
    const echoes = await server.log.waitFor((a) => a.message.type === 'mark', { nth: 2 });
    expect(server.messages('mark').map((m) => m.name)).toEqual(['a', 'b']);
    expect(echoes.message).toMatchObject({ type: 'mark', streamSid: call.ids.streamSid, name: 'b' });
    expect(call.marks).toEqual([
      { name: 'a', receivedAt: 0, echoedAt: 1000, cleared: false },
      { name: 'b', receivedAt: 0, echoedAt: 1500, cleared: false },
    ]);
    expect(call.playback).toMatchObject({ playedMs: 1500, queuedMs: 0 });
    await call.waitForPlaybackIdle();
  });

  it('echoes a mark at once when nothing is queued before it', async () => {
    const { server, call } = await begin();
    server.sendMark('empty');
    await call.waitForMarkEcho('empty');
    expect(server.messages('mark')).toHaveLength(0);
    await server.log.waitFor((a) => a.message.type === 'mark');
  });

  it('on clear, drops the queue and echoes pending marks, recording what had played', async () => {
    const { server, call } = await begin();
    server.sendAudio(synthesizeSpeech(2000));
    server.sendMark('resp_1');
    await call.waitFor((e) => e.kind === 'mark');
    call.advance(700);
    server.sendClear();
    await call.waitForClear();
    expect(call.clears).toEqual([{ at: 700, playedMs: 700, discardedMs: 1300, marks: ['resp_1'] }]);
    expect(call.marks[0]).toEqual({ name: 'resp_1', receivedAt: 0, echoedAt: 700, cleared: true });
    expect(call.playback).toMatchObject({ receivedMs: 2000, playedMs: 700, discardedMs: 1300, queuedMs: 0 });
    await server.log.waitFor((a) => a.message.type === 'mark');
    // New audio after a clear plays from where playback is.
    server.sendAudio(mulawSilence(100));
    await call.waitFor((e) => e.kind === 'media', { nth: 2 });
    call.advance(100);
    expect(call.playback.playedMs).toBe(800);
    expect(call.media.map((m) => [m.at, m.positionMs])).toEqual([
      [0, 0],
      [700, 2000],
    ]);
    expect(call.receivedAudio()).toHaveLength((2000 + 100) * 8);
  });

  it('records messages it cannot accept without stopping the call', async () => {
    const { server, call } = await begin();
    server.sendRaw('{"event":"media"');
    server.sendAudio(mulawSilence(20), 'MZ-other');
    server.sendRaw(JSON.stringify({ event: 'media', streamSid: call.ids.streamSid, media: { payload: '!!!' } }));
    server.sendRaw(JSON.stringify({ event: 'transcription', streamSid: call.ids.streamSid }));
    await call.waitFor((e) => e.kind === 'unknown');
    expect(call.invalid.map((i) => i.reason)).toEqual([
      expect.stringMatching(/^the message is not JSON/),
      `media for stream MZ-other, not ${call.ids.streamSid}`,
      'media payload is not base64',
    ]);
    call.advance(40);
    await server.log.waitFor((a) => a.message.type === 'media', { nth: 2 });
  });

  it('ends when Parley closes the stream, failing waits that can no longer be met', async () => {
    const { server, call } = await begin();
    const never = call.waitForMarkEcho('never');
    server.closeCall(1000);
    expect((await call.closed).code).toBe(1000);
    await expect(never).rejects.toThrow('the call ended');
    expect(call.events.at(-1)).toMatchObject({ kind: 'closed', code: 1000 });
  });
});
