/**
 * G.711 A-law (`audio/pcma`), the European telephone companding. Parley's phone
 * leg is μ-law; A-law is here so the fake realtime server handles every audio
 * format the Realtime API accepts the way the real one does.
 */
import { squares } from './mulaw.js';

/** The A-law byte for digital silence (the smallest positive value). */
export const ALAW_SILENCE = 0xd5;

/** Linear value of every A-law byte. */
export const ALAW_TO_LINEAR: Int16Array = buildDecodeTable();
/** Squares of `ALAW_TO_LINEAR`, for energy sums. */
export const ALAW_SQUARED: Float64Array = squares(ALAW_TO_LINEAR);

// Segment end points of the 13-bit magnitude (G.711 table 1a).
const SEGMENT_ENDS = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];

function buildDecodeTable(): Int16Array {
  const table = new Int16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    const a = byte ^ 0x55;
    const segment = (a & 0x70) >> 4;
    let t = (a & 0x0f) << 4;
    if (segment === 0) t += 8;
    else t = (t + 0x108) << (segment - 1);
    table[byte] = a & 0x80 ? t : -t;
  }
  return table;
}

/** Encodes one 16-bit linear sample (clamped) as an A-law byte. */
export function linearToAlaw(sample: number): number {
  let value = Math.max(-32768, Math.min(32767, Math.trunc(sample))) >> 3;
  let mask: number;
  if (value >= 0) {
    mask = 0xd5;
  } else {
    mask = 0x55;
    value = -value - 1;
  }
  let segment = 0;
  while (segment < 8 && value > SEGMENT_ENDS[segment]!) segment++;
  if (segment >= 8) return 0x7f ^ mask;
  const quantised = segment < 2 ? (value >> 1) & 0x0f : (value >> segment) & 0x0f;
  return ((segment << 4) | quantised) ^ mask;
}

/** Encodes 16-bit linear samples as A-law. */
export function encodeAlaw(samples: ArrayLike<number>, out: Uint8Array = new Uint8Array(samples.length)): Uint8Array {
  for (let i = 0; i < samples.length; i++) out[i] = linearToAlaw(samples[i]!);
  return out;
}
