/**
 * The three audio formats of the Realtime API (GA `audio.input.format` /
 * `audio.output.format`) as byte-level facts: bytes per millisecond, silence,
 * and how to measure and produce each. Parley uses `audio/pcmu` end to end;
 * the others matter when a session is left at its default (`audio/pcm`, 24 kHz).
 */
import { ALAW_SILENCE, ALAW_SQUARED, encodeAlaw } from './alaw.js';
import { MULAW_BYTES_PER_MS, MULAW_SAMPLE_RATE, MULAW_SILENCE, PCM16_FULL_SCALE, encodeMulaw, mulawEnergy } from './mulaw.js';

/** A Realtime API audio format type. */
export type AudioEncoding = 'audio/pcmu' | 'audio/pcma' | 'audio/pcm';

/** Sample rate of `audio/pcm` in the Realtime API (the only one it accepts). */
export const PCM_SAMPLE_RATE = 24000;
/** 24 kHz × 2 bytes per 16-bit sample. */
export const PCM_BYTES_PER_MS = 48;

/** Samples per second of a format. */
export function sampleRateOf(encoding: AudioEncoding): number {
  return encoding === 'audio/pcm' ? PCM_SAMPLE_RATE : MULAW_SAMPLE_RATE;
}

/** Bytes per millisecond of a format (8 for G.711, 48 for 24 kHz PCM16). */
export function bytesPerMsOf(encoding: AudioEncoding): number {
  return encoding === 'audio/pcm' ? PCM_BYTES_PER_MS : MULAW_BYTES_PER_MS;
}

/** Bytes per sample of a format. */
export function bytesPerSampleOf(encoding: AudioEncoding): number {
  return encoding === 'audio/pcm' ? 2 : 1;
}

/** Encodes 16-bit linear samples (at the format's own rate) into the format's bytes. */
export function encodeSamples(encoding: AudioEncoding, samples: Int16Array): Uint8Array {
  switch (encoding) {
    case 'audio/pcmu':
      return encodeMulaw(samples);
    case 'audio/pcma':
      return encodeAlaw(samples);
    case 'audio/pcm': {
      const out = new Uint8Array(samples.length * 2);
      const view = new DataView(out.buffer);
      for (let i = 0; i < samples.length; i++) view.setInt16(i * 2, samples[i]!, true);
      return out;
    }
  }
}

/** `ms` of silence in a format. */
export function silenceOf(encoding: AudioEncoding, ms: number): Uint8Array {
  const bytes = new Uint8Array(Math.round(ms * bytesPerMsOf(encoding)));
  if (encoding === 'audio/pcmu') bytes.fill(MULAW_SILENCE);
  else if (encoding === 'audio/pcma') bytes.fill(ALAW_SILENCE);
  return bytes;
}

/**
 * Sum of squared linear sample values of whole samples in `bytes[start, end)`.
 * For `audio/pcm` the range must start on a sample boundary; a trailing odd byte is ignored.
 */
export function energyOf(encoding: AudioEncoding, bytes: Uint8Array, start = 0, end = bytes.length): number {
  switch (encoding) {
    case 'audio/pcmu':
      return mulawEnergy(bytes, start, end);
    case 'audio/pcma': {
      let sum = 0;
      for (let i = start; i < end; i++) sum += ALAW_SQUARED[bytes[i]!]!;
      return sum;
    }
    case 'audio/pcm': {
      let sum = 0;
      for (let i = start; i + 1 < end; i += 2) {
        const value = ((bytes[i + 1]! << 24) >> 16) | bytes[i]!;
        sum += value * value;
      }
      return sum;
    }
  }
}

/** RMS of `bytes` as a fraction of full scale, for any format. */
export function levelOf(encoding: AudioEncoding, bytes: Uint8Array): number {
  const samples = Math.floor(bytes.length / bytesPerSampleOf(encoding));
  return samples > 0 ? Math.sqrt(energyOf(encoding, bytes) / samples) / PCM16_FULL_SCALE : 0;
}
