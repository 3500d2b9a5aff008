import { describe, expect, it } from 'vitest';
import {
  MULAW_BYTES_PER_MS,
  MULAW_SAMPLE_RATE,
  MULAW_SILENCE,
  TWILIO_FRAME_BYTES,
  TWILIO_FRAME_MS,
  decodeMulaw,
  encodeMulaw,
  linearToMulaw,
  mulawLevel,
  mulawRms,
  mulawSilence,
  mulawToLinear,
} from '../../engine/audio/mulaw.js';

describe('μ-law (G.711)', () => {
  it('has the telephone constants', () => {
    expect(MULAW_SAMPLE_RATE).toBe(8000);
    expect(MULAW_BYTES_PER_MS).toBe(8);
    expect(TWILIO_FRAME_MS).toBe(20);
    expect(TWILIO_FRAME_BYTES).toBe(160);
    expect(MULAW_SILENCE).toBe(0xff);
  });

  it('matches reference G.711 code points', () => {
    // Values from the ITU-T G.711 tables (as implemented by Sun's g711.c).
    expect(linearToMulaw(0)).toBe(0xff);
    expect(linearToMulaw(-1)).toBe(0x7f);
    expect(linearToMulaw(32767)).toBe(0x80);
    expect(linearToMulaw(-32768)).toBe(0x00);
    expect(mulawToLinear(0x00)).toBe(-32124);
    expect(mulawToLinear(0x80)).toBe(32124);
    expect(mulawToLinear(0xff)).toBe(0);
    expect(mulawToLinear(0x7f)).toBe(0);
    expect(mulawToLinear(0xfe)).toBe(8);
    expect(mulawToLinear(0xf0)).toBe(120);
    expect(mulawToLinear(0xef)).toBe(132);
  });

  it('round-trips every byte except negative zero, which becomes positive zero', () => {
    for (let byte = 0; byte < 256; byte++) {
      const expected = byte === 0x7f ? 0xff : byte;
      expect(linearToMulaw(mulawToLinear(byte)), `byte ${byte}`).toBe(expected);
    }
  });

  it('round-trips linear samples within one quantisation step', () => {
    for (let sample = -32768; sample <= 32767; sample += 7) {
      const back = mulawToLinear(linearToMulaw(sample));
      const magnitude = Math.min(Math.abs(sample), 32635);
      // The step of the segment the value falls in: 8 << segment (plus the clip at the top).
      const step = Math.max(8, 2 ** Math.floor(Math.log2(magnitude + 0x84)) / 16);
      expect(Math.abs(back - Math.sign(sample) * magnitude), `sample ${sample}`).toBeLessThanOrEqual(step);
    }
  });

  it('encodes and decodes buffers, into given storage when asked', () => {
    const samples = Int16Array.from([0, 1000, -1000, 20000, -20000]);
    const bytes = encodeMulaw(samples);
    expect(Array.from(bytes)).toEqual(Array.from(samples, linearToMulaw));
    const out = new Int16Array(5);
    expect(decodeMulaw(bytes, out)).toBe(out);
    expect(Array.from(out)).toEqual(Array.from(bytes, mulawToLinear));
  });

  it('measures silence as zero and a full-scale square wave near full scale', () => {
    expect(mulawRms(mulawSilence(20))).toBe(0);
    expect(mulawSilence(20)).toHaveLength(TWILIO_FRAME_BYTES);
    const square = encodeMulaw(Int16Array.from({ length: 160 }, (_, i) => (i % 2 ? 32767 : -32768)));
    expect(mulawRms(square)).toBe(32124);
    expect(mulawLevel(square)).toBeCloseTo(32124 / 32768, 6);
    expect(mulawRms(square, 0, 0)).toBe(0);
  });

  it('measures the RMS of a sine as amplitude/√2', () => {
    const amplitude = 10000;
    const sine = encodeMulaw(Int16Array.from({ length: 8000 }, (_, i) => amplitude * Math.sin((2 * Math.PI * 440 * i) / 8000)));
    expect(mulawRms(sine) / (amplitude / Math.SQRT2)).toBeCloseTo(1, 1);
  });
});
