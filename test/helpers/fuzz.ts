/**
 * Seeded generator of malformed and random wire messages for parser fuzzing:
 * random text and bytes, truncated and mutated copies of valid messages,
 * messages fragmented as WebSocket frames, non-object JSON, prototype-named
 * keys, and values that are not wire data at all.
 */
import { createSeededRandom } from '../../engine/util/seeded-random.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function createFuzzer(seed: number, samples: readonly Record<string, unknown>[], discriminants: { key: string; values: readonly string[] }) {
  const random = createSeededRandom(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const chars = 'abcxyz{}[]":,0123456789 \\/-+.eE\n\t\u0000\u00e9\u{1F600}tfnul';

  const randomText = (max: number) => Array.from({ length: int(max) }, () => pick([...chars])).join('');
  const randomJson = (depth: number): Json => {
    switch (int(depth > 3 ? 5 : 7)) {
      case 0: return null;
      case 1: return random() < 0.5;
      case 2: return pick([0, -1, 1.5, 1e308, -0, 2 ** 53 + 1, int(1e6)]);
      case 3: return pick(['', 'x', '12', '-3', '1e3', ' 7', '0x10', randomText(20), 'a'.repeat(int(5000))]);
      case 4: return pick(discriminants.values);
      case 5: return Array.from({ length: int(4) }, () => randomJson(depth + 1));
      default: {
        const obj: Record<string, Json> = {};
        for (let i = int(4); i > 0; i--) obj[pick(['type', 'event', 'media', 'payload', 'item', 'id', '__proto__', 'constructor', randomText(6)])] = randomJson(depth + 1);
        return obj;
      }
    }
  };
  const clone = (value: unknown): Record<string, unknown> => JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
  const mutate = (value: Record<string, unknown>): Record<string, unknown> => {
    const copy = clone(value);
    for (let n = 1 + int(3); n > 0; n--) {
      // Walk to a random nested object and change one of its fields.
      let target: Record<string, unknown> = copy;
      for (let depth = int(3); depth > 0; depth--) {
        const nested = Object.values(target).filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v));
        if (nested.length === 0) break;
        target = pick(nested);
      }
      const keys = Object.keys(target);
      const key = keys.length > 0 && random() < 0.8 ? pick(keys) : randomText(5);
      if (random() < 0.4) delete target[key];
      else target[key] = randomJson(2);
    }
    return copy;
  };

  /** The next fuzz input: mostly strings and buffers, sometimes not wire data at all. */
  function next(): unknown {
    const sample = pick(samples);
    switch (int(11)) {
      case 0: return randomText(200);
      case 1: {
        const text = JSON.stringify(sample);
        return text.slice(0, int(text.length));
      }
      case 2:
      case 3: return JSON.stringify(mutate(sample));
      case 4: return JSON.stringify(randomJson(0));
      case 5: return Buffer.from(Array.from({ length: int(300) }, () => int(256)));
      case 6: {
        const bytes = Buffer.from(JSON.stringify(random() < 0.5 ? sample : mutate(sample)));
        const cut = int(bytes.length);
        return pick([[bytes.subarray(0, cut), bytes.subarray(cut)], new Uint8Array(bytes), bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)]);
      }
      case 7: return pick([undefined, null, 42, {}, [], true, () => 1, Symbol('x'), [1, 2], new Date(0)]);
      case 8: return JSON.stringify({ ...mutate(sample), [discriminants.key]: pick([...discriminants.values, '__proto__', 'constructor', 'toString', 'hasOwnProperty', '']) });
      case 9: return '['.repeat(int(20000)) + ']'.repeat(int(20000));
      default: return JSON.stringify({ ...clone(sample), [discriminants.key]: pick(discriminants.values) });
    }
  }
  return { next };
}
