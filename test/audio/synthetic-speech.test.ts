import { describe, expect, it } from 'vitest';
import { levelOf, encodeSamples, silenceOf, bytesPerMsOf } from '../../engine/audio/audio-format.js';
import { TWILIO_FRAME_BYTES, mulawLevel } from '../../engine/audio/mulaw.js';
import { SPEECH_LEVEL, synthesizeSpeech, synthesizeSpeechSamples } from '../../engine/audio/synthetic-speech.js';

describe('synthetic speech', () => {
  it('lasts as long as asked, at 8 bytes a millisecond', () => {
    expect(synthesizeSpeech(1000)).toHaveLength(8000);
    expect(synthesizeSpeech(0)).toHaveLength(0);
  });

  it('has the requested overall loudness and never a quiet 20 ms frame', () => {
    const speech = synthesizeSpeech(3000);
    expect(mulawLevel(speech)).toBeGreaterThan(SPEECH_LEVEL * 0.9);
    expect(mulawLevel(speech)).toBeLessThan(SPEECH_LEVEL * 1.1);
    // Skip the 5 ms fade at each end.
    for (let at = TWILIO_FRAME_BYTES; at + TWILIO_FRAME_BYTES <= speech.length - TWILIO_FRAME_BYTES; at += TWILIO_FRAME_BYTES) {
      expect(mulawLevel(speech, at, at + TWILIO_FRAME_BYTES), `frame at ${at / 8} ms`).toBeGreaterThan(SPEECH_LEVEL * 0.5);
    }
  });

  it('is reproducible from its seed and differs between seeds', () => {
    expect(synthesizeSpeech(200, { seed: 7 })).toEqual(synthesizeSpeech(200, { seed: 7 }));
    expect(synthesizeSpeech(200, { seed: 7 })).not.toEqual(synthesizeSpeech(200, { seed: 8 }));
  });

  it('scales with the level option', () => {
    expect(mulawLevel(synthesizeSpeech(1000, { level: 0.02 }))).toBeLessThan(0.03);
  });

  it('keeps its loudness in every Realtime audio format', () => {
    for (const encoding of ['audio/pcmu', 'audio/pcma', 'audio/pcm'] as const) {
      const rate = encoding === 'audio/pcm' ? 24000 : 8000;
      const bytes = encodeSamples(encoding, synthesizeSpeechSamples(500, rate));
      expect(bytes.length, encoding).toBe(500 * bytesPerMsOf(encoding));
      expect(levelOf(encoding, bytes), encoding).toBeCloseTo(SPEECH_LEVEL, 1);
      expect(levelOf(encoding, silenceOf(encoding, 100)), encoding).toBeLessThan(0.001);
    }
  });
});
