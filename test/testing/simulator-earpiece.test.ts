/**
 * The Twilio call simulator's earpiece (`onHeard`): what a simulated caller
 * hears, 20 ms of call time at a time — the agent audio as it plays, silence
 * around it, nothing of what a `clear` dropped.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MULAW_SILENCE, TWILIO_FRAME_BYTES } from '../../engine/audio/mulaw.js';
import { createTwilioCallSimulator, type TwilioCallSimulator } from '../../engine/testing/twilio-call-simulator.js';
import { startTwilioTestServer, type TwilioTestServer } from '../helpers/twilio-test-server.js';

let server: TwilioTestServer | undefined;
let call: TwilioCallSimulator | undefined;

afterEach(async () => {
  call?.disconnect();
  await server?.close();
  server = undefined;
  call = undefined;
});

async function begin() {
  server = await startTwilioTestServer();
  call = createTwilioCallSimulator({ url: server.url, pacing: { mode: 'manual' } });
  const heard: Buffer[] = [];
  call.onHeard((frame) => heard.push(Buffer.from(frame)));
  await call.start();
  await server.log.waitFor((a) => a.message.type === 'start');
  return { server, call, heard };
}

/** Distinct bytes (never silence), so what is heard can be traced to what was sent. */
const ramp = (bytes: number, from = 0) => Uint8Array.from({ length: bytes }, (_, i) => (from + i) % 0x7f);

describe('Twilio call simulator: the earpiece', () => {
  it('hears silence, then the agent audio as it plays, then silence again, 20 ms a frame', async () => {
    const { server, call, heard } = await begin();
    call.advance(40);
    const audio = ramp(50 * 8);
    server.sendAudio(audio);
    await call.waitFor((e) => e.kind === 'media');
    call.advance(100);
    expect(heard).toHaveLength(7);
    expect(heard.every((frame) => frame.length === TWILIO_FRAME_BYTES)).toBe(true);
    const all = Buffer.concat(heard);
    expect(all.subarray(0, 2 * TWILIO_FRAME_BYTES).every((b) => b === MULAW_SILENCE)).toBe(true);
    expect(all.subarray(2 * TWILIO_FRAME_BYTES, 2 * TWILIO_FRAME_BYTES + audio.length)).toEqual(Buffer.from(audio));
    expect(all.subarray(2 * TWILIO_FRAME_BYTES + audio.length).every((b) => b === MULAW_SILENCE)).toBe(true);
  });

  it('never hears what a clear dropped; audio sent after it is heard in turn', async () => {
    const { server, call, heard } = await begin();
    server.sendAudio(ramp(1000 * 8));
    await call.waitFor((e) => e.kind === 'media');
    call.advance(200);
    server.sendClear();
    await call.waitForClear();
    const next = ramp(40 * 8, 0x40);
    server.sendAudio(next);
    await call.waitFor((e) => e.kind === 'media', { nth: 2 });
    call.advance(100);
    const all = Buffer.concat(heard);
    expect(all.subarray(0, 200 * 8)).toEqual(Buffer.from(ramp(200 * 8)));
    expect(all.subarray(200 * 8, 240 * 8)).toEqual(Buffer.from(next));
    expect(all.subarray(240 * 8).every((b) => b === MULAW_SILENCE)).toBe(true);
  });
});
