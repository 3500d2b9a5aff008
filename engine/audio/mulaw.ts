/**
 * G.711 μ-law, the audio of the phone leg: Twilio Media Streams carry it and the
 * Realtime API takes and returns it as `audio/pcmu`, so Parley relays it without
 * transcoding. Decoding goes through 256-entry tables: a frame's energy is a sum
 * of table lookups, with no allocation.
 */

/** Samples per second of telephone μ-law audio. */
export const MULAW_SAMPLE_RATE = 8000;
/** One byte per sample at 8 kHz. */
export const MULAW_BYTES_PER_MS = 8;
/** Twilio sends (and expects) audio in 20 ms frames. */
export const TWILIO_FRAME_MS = 20;
/** Bytes in one 20 ms μ-law frame: 160. */
export const TWILIO_FRAME_BYTES = TWILIO_FRAME_MS * MULAW_BYTES_PER_MS;
/** The μ-law byte for digital silence (linear 0). */
export const MULAW_SILENCE = 0xff;
/** Largest magnitude a 16-bit linear sample can have; levels are fractions of it. */
export const PCM16_FULL_SCALE = 32768;

// G.711 encoder constants: the bias moves every segment boundary to a power of two.
const BIAS = 0x84;
const CLIP = 32635;

/** Linear value of every μ-law byte. */
export const MULAW_TO_LINEAR: Int16Array = buildDecodeTable();
/** Square of every μ-law byte's linear value, for energy sums without multiplies. */
export const MULAW_SQUARED: Float64Array = squares(MULAW_TO_LINEAR);

function buildDecodeTable(): Int16Array {
  const table = new Int16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    const u = ~byte & 0xff;
    const exponent = (u >> 4) & 0x07;
    const mantissa = u & 0x0f;
    const magnitude = (((mantissa << 3) + BIAS) << exponent) - BIAS;
    table[byte] = u & 0x80 ? -magnitude : magnitude;
  }
  return table;
}

/** Squares of a 256-entry decode table (shared with A-law). */
export function squares(table: Int16Array): Float64Array {
  const out = new Float64Array(table.length);
  for (let i = 0; i < table.length; i++) out[i] = table[i]! * table[i]!;
  return out;
}

/** Encodes one 16-bit linear sample (clamped) as a μ-law byte. */
export function linearToMulaw(sample: number): number {
  let s = Math.trunc(sample);
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  if (s > CLIP) s = CLIP;
  s += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** Decodes one μ-law byte to a 16-bit linear sample. */
export function mulawToLinear(byte: number): number {
  return MULAW_TO_LINEAR[byte & 0xff]!;
}

/** Encodes 16-bit linear samples as μ-law, into `out` when given (it must be as long). */
export function encodeMulaw(samples: ArrayLike<number>, out: Uint8Array = new Uint8Array(samples.length)): Uint8Array {
  for (let i = 0; i < samples.length; i++) out[i] = linearToMulaw(samples[i]!);
  return out;
}

/** Decodes μ-law bytes to 16-bit linear samples, into `out` when given (it must be as long). */
export function decodeMulaw(bytes: Uint8Array, out: Int16Array = new Int16Array(bytes.length)): Int16Array {
  for (let i = 0; i < bytes.length; i++) out[i] = MULAW_TO_LINEAR[bytes[i]!]!;
  return out;
}

/** Sum of squared linear values of `bytes[start, end)`: the energy, for callers that window it themselves. */
export function mulawEnergy(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += MULAW_SQUARED[bytes[i]!]!;
  return sum;
}

/** Root-mean-square of a μ-law frame in linear units (0 … 32124); 0 for an empty range. */
export function mulawRms(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const n = end - start;
  return n > 0 ? Math.sqrt(mulawEnergy(bytes, start, end) / n) : 0;
}

/** RMS of a μ-law frame as a fraction of full scale (0 … ~0.98). */
export function mulawLevel(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return mulawRms(bytes, start, end) / PCM16_FULL_SCALE;
}

/** `ms` of μ-law silence (0xFF bytes). */
export function mulawSilence(ms: number): Uint8Array {
  return new Uint8Array(mulawBytesForMs(ms)).fill(MULAW_SILENCE);
}

/** Bytes of μ-law audio lasting `ms` milliseconds. */
export function mulawBytesForMs(ms: number): number {
  return Math.round(ms * MULAW_BYTES_PER_MS);
}

/** Duration in milliseconds of `bytes` of μ-law audio. */
export function mulawMsForBytes(bytes: number): number {
  return bytes / MULAW_BYTES_PER_MS;
}
