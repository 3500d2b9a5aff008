import { describe, expect, it } from 'vitest';
import { HANDLED_CLIENT_EVENT_TYPES, parseClientEvent } from '../../engine/realtime/parse-client-event.js';
import { HANDLED_SERVER_EVENT_TYPES, parseServerEvent } from '../../engine/realtime/parse-server-event.js';
import { loadConformance } from '../helpers/conformance.js';
import { createFuzzer } from '../helpers/fuzz.js';
import { CLIENT_EVENT_SAMPLES, SERVER_EVENT_SAMPLES } from './sample-events.js';

const conformance = loadConformance();
const FUZZ_RUNS = 10_000;

describe('parseServerEvent', () => {
  it('has a sample for every handled type', () => {
    expect(Object.keys(SERVER_EVENT_SAMPLES).sort()).toEqual([...HANDLED_SERVER_EVENT_TYPES].sort());
  });

  it.skipIf(!conformance)('samples conform to the official GA server event schemas', () => {
    for (const sample of Object.values(SERVER_EVENT_SAMPLES)) expect(conformance!.serverEvent(sample)).toEqual([]);
  });

  it.each(Object.entries(SERVER_EVENT_SAMPLES))('types %s as itself', (type, sample) => {
    const parsed = parseServerEvent(JSON.stringify(sample));
    expect(parsed.type).toBe(type);
    expect(parsed).toEqual(sample);
  });

  it('reads Buffers, Uint8Arrays, ArrayBuffers and fragmented frames alike', () => {
    const text = JSON.stringify(SERVER_EVENT_SAMPLES['response.output_audio.delta']);
    const bytes = Buffer.from(text);
    for (const data of [bytes, new Uint8Array(bytes), bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length), [bytes.subarray(0, 10), bytes.subarray(10)]]) {
      expect(parseServerEvent(data).type).toBe('response.output_audio.delta');
    }
  });

  it('passes events it does not handle through untouched', () => {
    const event = { event_id: 'e', type: 'output_audio_buffer.started', response_id: 'resp_1' };
    expect(parseServerEvent(JSON.stringify(event))).toEqual({ type: 'unknown', raw: event });
    for (const type of ['__proto__', 'constructor', 'toString', 'unknown', 'invalid']) {
      expect(parseServerEvent(JSON.stringify({ type }))).toEqual({ type: 'unknown', raw: { type } });
    }
  });

  it('names the missing or mistyped field of a handled event', () => {
    const { delta: _delta, ...noDelta } = SERVER_EVENT_SAMPLES['response.output_audio.delta']!;
    expect(parseServerEvent(JSON.stringify(noDelta))).toMatchObject({
      type: 'invalid',
      error: { code: 'REALTIME_EVENT_INVALID', message: 'response.output_audio.delta: "delta" is missing' },
      raw: noDelta,
    });
    const badItem = { ...SERVER_EVENT_SAMPLES['conversation.item.added']!, item: { type: 'message', id: 7 } };
    expect(parseServerEvent(JSON.stringify(badItem))).toMatchObject({ type: 'invalid', error: { message: 'conversation.item.added: "item.id" should be a string, got integer' } });
    expect(parseServerEvent(JSON.stringify({ type: 'error', error: null }))).toMatchObject({ type: 'invalid', error: { message: 'error: "error" should be an object, got null' } });
  });

  it('calls non-objects, non-JSON and non-wire values invalid', () => {
    for (const data of ['', 'not json', '[]', 'null', '42', '"text"', '{"type":7}', '{}', undefined, null, 42, {}]) {
      expect(parseServerEvent(data).type, String(data)).toBe('invalid');
    }
  });

  it(`never throws on ${FUZZ_RUNS} random and malformed inputs`, () => {
    const fuzzer = createFuzzer(20260105, Object.values(SERVER_EVENT_SAMPLES), { key: 'type', values: HANDLED_SERVER_EVENT_TYPES });
    const handled = new Set<string>(HANDLED_SERVER_EVENT_TYPES);
    const seen = new Map<string, number>();
    for (let run = 0; run < FUZZ_RUNS; run++) {
      const input = fuzzer.next();
      let parsed: ReturnType<typeof parseServerEvent>;
      try {
        parsed = parseServerEvent(input);
      } catch (error) {
        throw new Error(`parseServerEvent threw on run ${run} for ${preview(input)}: ${String(error)}`);
      }
      expect(handled.has(parsed.type) || parsed.type === 'unknown' || parsed.type === 'invalid').toBe(true);
      if (parsed.type === 'invalid') expect(parsed.error.message.length).toBeGreaterThan(0);
      // A handled result must survive a round trip as the same type: its fields really were checked.
      if (handled.has(parsed.type)) expect(parseServerEvent(JSON.stringify(parsed)).type).toBe(parsed.type);
      seen.set(parsed.type, (seen.get(parsed.type) ?? 0) + 1);
    }
    // The fuzzer reaches all three outcomes, so the loop above tested something.
    expect(seen.get('invalid')).toBeGreaterThan(1000);
    expect(seen.get('unknown')).toBeGreaterThan(100);
    expect([...seen.keys()].filter((t) => handled.has(t)).length).toBeGreaterThan(20);
  });
});

describe('parseClientEvent', () => {
  it('has a sample for every handled type', () => {
    expect(Object.keys(CLIENT_EVENT_SAMPLES).sort()).toEqual([...HANDLED_CLIENT_EVENT_TYPES].sort());
  });

  it.skipIf(!conformance)('samples conform to the official GA client event schemas', () => {
    for (const sample of Object.values(CLIENT_EVENT_SAMPLES)) expect(conformance!.clientEvent(sample)).toEqual([]);
  });

  it.each(Object.entries(CLIENT_EVENT_SAMPLES))('types %s as itself', (type, sample) => {
    expect(parseClientEvent(JSON.stringify(sample))).toEqual({ ...sample, type });
  });

  it('reports the parameter at fault the way the API names it', () => {
    expect(parseClientEvent('{"type":"conversation.item.truncate","item_id":"x","content_index":0}')).toMatchObject({
      type: 'invalid',
      error: { param: 'audio_end_ms', reason: 'missing', expected: 'integer' },
    });
    expect(parseClientEvent('{"type":"conversation.item.truncate","item_id":"x","content_index":0,"audio_end_ms":1.5}')).toMatchObject({
      error: { param: 'audio_end_ms', reason: 'type', expected: 'integer', got: 'number' },
    });
    expect(parseClientEvent('{"type":"response.create","response":"now"}')).toMatchObject({ error: { param: 'response', reason: 'type' } });
    expect(parseClientEvent('{"type":"response.cancel","event_id":5}')).toMatchObject({ error: { param: 'event_id', reason: 'type' } });
    expect(parseClientEvent('{"audio":"x"}')).toMatchObject({ error: { param: 'type', reason: 'missing' } });
    expect(parseClientEvent('nope')).toMatchObject({ type: 'invalid', error: { reason: 'json' } });
    expect(parseClientEvent('{"type":"output_audio_buffer.clear"}')).toEqual({ type: 'unknown', raw: { type: 'output_audio_buffer.clear' } });
  });

  it(`never throws on ${FUZZ_RUNS} random and malformed inputs`, () => {
    const fuzzer = createFuzzer(7, Object.values(CLIENT_EVENT_SAMPLES), { key: 'type', values: HANDLED_CLIENT_EVENT_TYPES });
    const handled = new Set<string>(HANDLED_CLIENT_EVENT_TYPES);
    const seen = new Set<string>();
    for (let run = 0; run < FUZZ_RUNS; run++) {
      const input = fuzzer.next();
      let parsed: ReturnType<typeof parseClientEvent>;
      try {
        parsed = parseClientEvent(input);
      } catch (error) {
        throw new Error(`parseClientEvent threw on run ${run} for ${preview(input)}: ${String(error)}`);
      }
      expect(handled.has(parsed.type) || parsed.type === 'unknown' || parsed.type === 'invalid').toBe(true);
      if (handled.has(parsed.type)) expect(parseClientEvent(JSON.stringify(parsed)).type).toBe(parsed.type);
      seen.add(parsed.type);
    }
    expect(seen.has('invalid') && seen.has('unknown')).toBe(true);
    expect([...seen].filter((t) => handled.has(t)).length).toBeGreaterThan(8);
  });
});

function preview(input: unknown): string {
  try {
    return typeof input === 'string' ? JSON.stringify(input.slice(0, 200)) : String(input).slice(0, 200);
  } catch {
    return typeof input;
  }
}
