import { describe, expect, it } from 'vitest';
import { parseTwilioMessage, twilioClear, twilioMark, twilioMedia } from '../../engine/telephony/twilio-media-messages.js';
import { createFuzzer } from '../helpers/fuzz.js';

// Shaped like Twilio's documented examples: numbers arrive as strings.
const STREAM = 'MZ18ad3ab5a668481ce02b83e7395059f0';
const SAMPLES: Record<string, Record<string, unknown>> = {
  connected: { event: 'connected', protocol: 'Call', version: '1.0.0' },
  start: {
    event: 'start',
    sequenceNumber: '1',
    start: {
      accountSid: 'AC00000000000000000000000000000000',
      streamSid: STREAM,
      callSid: 'CA00000000000000000000000000000000',
      tracks: ['inbound'],
      mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      customParameters: { flowId: 'dental-outreach', patientId: '42' },
    },
    streamSid: STREAM,
  },
  media: { event: 'media', sequenceNumber: '3', streamSid: STREAM, media: { track: 'inbound', chunk: '1', timestamp: '5', payload: 'no+JhoaJjpzSHxAKBgYJDhtEopGKh4aIjZm7JhILBwYIDRg1qZSLh4aIjJevLRUMBwYHCxYvrpaMiIaHi5WsNRgNCAYHChIqrZmOiYaHipOhVxsPCQcHCQ8kuJ2RioeHiY6bxCgTCwgHCA4cUKeVjYmHiIyYtTAXDQkHBwsVLrOZjoqHiIuVq0EbEAoIBwoRI72ejoqIh4mQnMkpEgwJBwgNGjmnlY2JiImNl7M1Fw4KCAcKEyWupZGMiImKjpikXR0RDAkICRAbNrybkIyJiY2UnsQ2GA4LCQoMEyXKpZSOi4qLjpSlUyAUDgsJCg0VIkW0nZKOi4uOkp29PB4TDg0MDhEZKUS9nJOPjY6PlJysTSQXERAPEBIYIzlwqpyVkY+QkpWcqNQ5JR0XFRQWGB0mNVm9rqKbmJaXmp6lss9RPC8qJyYnKzA6SWzYurCsqKenqayzvs/vYVBJREFAQURJT1tmfP/p3NTOy8nJy83R1drf5Ovx' } },
  mark: { event: 'mark', sequenceNumber: '4', streamSid: STREAM, mark: { name: 'resp_1:item_A1:0' } },
  dtmf: { event: 'dtmf', streamSid: STREAM, sequenceNumber: '5', dtmf: { track: 'inbound_track', digit: '1' } },
  stop: { event: 'stop', sequenceNumber: '6', streamSid: STREAM, stop: { accountSid: 'AC00000000000000000000000000000000', callSid: 'CA00000000000000000000000000000000' } },
};

describe('parseTwilioMessage', () => {
  it('parses every message Twilio sends, turning string numbers into numbers', () => {
    expect(parseTwilioMessage(JSON.stringify(SAMPLES.connected))).toEqual({ type: 'connected', protocol: 'Call', version: '1.0.0' });
    expect(parseTwilioMessage(JSON.stringify(SAMPLES.start))).toEqual({
      type: 'start',
      sequenceNumber: 1,
      streamSid: STREAM,
      callSid: 'CA00000000000000000000000000000000',
      accountSid: 'AC00000000000000000000000000000000',
      tracks: ['inbound'],
      customParameters: { flowId: 'dental-outreach', patientId: '42' },
      mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
    });
    const media = parseTwilioMessage(Buffer.from(JSON.stringify(SAMPLES.media)));
    expect(media).toMatchObject({ type: 'media', sequenceNumber: 3, streamSid: STREAM, track: 'inbound', chunk: 1, timestamp: 5 });
    expect(media.type === 'media' && media.payload).toBe((SAMPLES.media!.media as { payload: string }).payload);
    expect(parseTwilioMessage(JSON.stringify(SAMPLES.mark))).toEqual({ type: 'mark', sequenceNumber: 4, streamSid: STREAM, name: 'resp_1:item_A1:0' });
    expect(parseTwilioMessage(JSON.stringify(SAMPLES.dtmf))).toEqual({ type: 'dtmf', sequenceNumber: 5, streamSid: STREAM, track: 'inbound_track', digit: '1' });
    expect(parseTwilioMessage(JSON.stringify(SAMPLES.stop))).toEqual({
      type: 'stop',
      sequenceNumber: 6,
      streamSid: STREAM,
      callSid: 'CA00000000000000000000000000000000',
      accountSid: 'AC00000000000000000000000000000000',
    });
  });

  it('passes unknown events through untouched', () => {
    const raw = { event: 'transcription', streamSid: STREAM, text: 'hi' };
    expect(parseTwilioMessage(JSON.stringify(raw))).toEqual({ type: 'unknown', event: 'transcription', raw });
    expect(parseTwilioMessage('{"event":"__proto__"}')).toEqual({ type: 'unknown', event: '__proto__', raw: { event: '__proto__' } });
  });

  it('calls frames with missing or non-numeric fields invalid, saying which', () => {
    const media = (patch: Record<string, unknown>) => JSON.stringify({ ...SAMPLES.media, media: { ...(SAMPLES.media!.media as object), ...patch } });
    expect(parseTwilioMessage(media({ timestamp: '12a' }))).toEqual({ type: 'invalid', error: { code: 'TWILIO_MESSAGE_INVALID', message: 'media: "media.timestamp" is not a whole number' } });
    expect(parseTwilioMessage(media({ chunk: '-1' }))).toMatchObject({ type: 'invalid', error: { message: 'media: "media.chunk" is not a whole number' } });
    expect(parseTwilioMessage(media({ chunk: '1e3' }))).toMatchObject({ type: 'invalid' });
    expect(parseTwilioMessage(media({ payload: 42 }))).toMatchObject({ type: 'invalid', error: { message: 'media: "media.payload" is missing or not a string' } });
    expect(parseTwilioMessage('{"event":"mark","streamSid":"MZ","sequenceNumber":"1","mark":{}}')).toMatchObject({ type: 'invalid' });
    expect(parseTwilioMessage('{"event":"start","sequenceNumber":"1","start":{"streamSid":"MZ","callSid":"CA"}}')).toMatchObject({
      type: 'invalid',
      error: { message: 'start: "start.accountSid" is missing or not a string' },
    });
    for (const data of ['', '{', 'null', '[]', '{"event":1}', undefined, 7]) expect(parseTwilioMessage(data).type).toBe('invalid');
  });

  it('never throws on 10,000 random and malformed inputs', () => {
    const events = ['connected', 'start', 'media', 'mark', 'dtmf', 'stop'];
    const fuzzer = createFuzzer(1234, Object.values(SAMPLES), { key: 'event', values: events });
    const counts = new Map<string, number>();
    for (let run = 0; run < 10_000; run++) {
      const input = fuzzer.next();
      let parsed: ReturnType<typeof parseTwilioMessage>;
      try {
        parsed = parseTwilioMessage(input);
      } catch (error) {
        throw new Error(`parseTwilioMessage threw on run ${run}: ${String(error)}`);
      }
      counts.set(parsed.type, (counts.get(parsed.type) ?? 0) + 1);
      if (parsed.type === 'media') {
        expect(typeof parsed.payload).toBe('string');
        expect(Number.isSafeInteger(parsed.timestamp) && parsed.timestamp >= 0).toBe(true);
        expect(Number.isSafeInteger(parsed.chunk) && Number.isSafeInteger(parsed.sequenceNumber)).toBe(true);
      }
    }
    for (const type of [...events, 'unknown', 'invalid']) expect(counts.get(type), type).toBeGreaterThan(0);
  });
});

describe('messages to Twilio', () => {
  it('builds media, mark and clear exactly as Twilio documents them', () => {
    expect(JSON.parse(twilioMedia(STREAM, '/////w=='))).toEqual({ event: 'media', streamSid: STREAM, media: { payload: '/////w==' } });
    expect(JSON.parse(twilioMark(STREAM, 'resp_1'))).toEqual({ event: 'mark', streamSid: STREAM, mark: { name: 'resp_1' } });
    expect(JSON.parse(twilioClear(STREAM))).toEqual({ event: 'clear', streamSid: STREAM });
  });

  it('stays valid JSON whatever the strings hold', () => {
    const odd = 'a"b\\c\n\u2028';
    expect(JSON.parse(twilioMark(odd, odd))).toEqual({ event: 'mark', streamSid: odd, mark: { name: odd } });
    expect(JSON.parse(twilioMedia(odd, odd)).media.payload).toBe(odd);
  });
});
