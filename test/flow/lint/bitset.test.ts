import { describe, expect, it } from 'vitest';
import { Bitset } from '../../../engine/flow/lint/bitset.js';

describe('Bitset', () => {
  it('holds members across word boundaries, bit 31 included', () => {
    const set = Bitset.of(100, [0, 31, 32, 63, 99]);
    for (const member of [0, 31, 32, 63, 99]) expect(set.has(member)).toBe(true);
    for (const member of [1, 30, 33, 62, 98]) expect(set.has(member)).toBe(false);
  });

  it('reports change only when the set changes, bit 31 included', () => {
    // `&`/`|` give signed results: with bit 31 set a naive comparison always says "changed" (and a fixpoint never ends).
    const a = Bitset.of(64, [31, 63]);
    expect(a.andInPlace(Bitset.of(64, [31, 63]))).toBe(false);
    expect(a.orInPlace(Bitset.of(64, [31]))).toBe(false);
    expect(a.andInPlace(Bitset.of(64, [31]))).toBe(true);
    expect([a.has(31), a.has(63)]).toEqual([true, false]);
    expect(a.orInPlace(Bitset.of(64, [5]))).toBe(true);
    expect(Bitset.full(40).andInPlace(Bitset.full(40))).toBe(false);
  });

  it('makes unions without touching its operands', () => {
    const a = Bitset.of(10, [1]);
    const union = a.union(Bitset.of(10, [2]), Bitset.of(10, [3]));
    expect([1, 2, 3].map((m) => union.has(m))).toEqual([true, true, true]);
    expect(a.has(2)).toBe(false);
  });
});

describe('Bitset meets with a union', () => {
  it('intersects or joins with a ∪ b in place, reporting change', () => {
    const target = Bitset.of(64, [1, 31, 40]);
    expect(target.andUnionInPlace(Bitset.of(64, [1]), Bitset.of(64, [31, 40]))).toBe(false);
    expect(target.andUnionInPlace(Bitset.of(64, [1]), Bitset.of(64, [40]))).toBe(true);
    expect([1, 31, 40].map((m) => target.has(m))).toEqual([true, false, true]);
    expect(target.orUnionInPlace(Bitset.of(64, [31]), Bitset.of(64, [63]))).toBe(true);
    expect(target.orUnionInPlace(Bitset.of(64, [31]), Bitset.of(64, [63]))).toBe(false);
    expect([31, 63].map((m) => target.has(m))).toEqual([true, true]);
  });
});
