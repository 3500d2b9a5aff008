import { describe, expect, it } from 'vitest';
import { ALAW_SILENCE, ALAW_TO_LINEAR, encodeAlaw, linearToAlaw } from '../../engine/audio/alaw.js';

describe('A-law (G.711)', () => {
  it('matches reference G.711 code points', () => {
    expect(linearToAlaw(0)).toBe(0xd5);
    expect(linearToAlaw(-1)).toBe(0x55);
    expect(linearToAlaw(32767)).toBe(0xaa);
    expect(linearToAlaw(-32768)).toBe(0x2a);
    expect(ALAW_TO_LINEAR[0xd5]).toBe(8);
    expect(ALAW_TO_LINEAR[0xaa]).toBe(32256);
    expect(ALAW_TO_LINEAR[0x2a]).toBe(-32256);
    expect(ALAW_SILENCE).toBe(0xd5);
  });

  it('round-trips every byte', () => {
    for (let byte = 0; byte < 256; byte++) expect(linearToAlaw(ALAW_TO_LINEAR[byte]!), `byte ${byte}`).toBe(byte);
  });

  it('encodes buffers sample by sample', () => {
    const samples = [0, 500, -500, 30000];
    expect(Array.from(encodeAlaw(samples))).toEqual(samples.map(linearToAlaw));
  });
});
