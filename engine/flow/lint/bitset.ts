/**
 * Fixed-size sets of small integers as 32-bit words: the dataflow check keeps
 * one per stage and intersects them along every edge, so set operations must
 * cost a handful of word operations, not a Set copy.
 */
export class Bitset {
  readonly words: Uint32Array;

  constructor(size: number, words?: Uint32Array) {
    this.words = words ?? new Uint32Array(Math.ceil(size / 32));
  }

  static full(size: number): Bitset {
    const set = new Bitset(size);
    set.words.fill(0xffffffff);
    return set;
  }

  static of(size: number, members: Iterable<number>): Bitset {
    const set = new Bitset(size);
    for (const member of members) set.add(member);
    return set;
  }

  clone(): Bitset {
    return new Bitset(0, this.words.slice());
  }

  add(member: number): void {
    this.words[member >>> 5]! |= 1 << (member & 31);
  }

  has(member: number): boolean {
    return (this.words[member >>> 5]! & (1 << (member & 31))) !== 0;
  }

  /** this ∪= other; returns whether this changed. */
  orInPlace(other: Bitset): boolean {
    let changed = false;
    for (let i = 0; i < this.words.length; i++) {
      // `|` and `&` give signed 32-bit results; compare as unsigned, as the array stores them.
      const next = (this.words[i]! | other.words[i]!) >>> 0;
      if (next !== this.words[i]) {
        this.words[i] = next;
        changed = true;
      }
    }
    return changed;
  }

  /** this ∩= other; returns whether this changed. */
  andInPlace(other: Bitset): boolean {
    let changed = false;
    for (let i = 0; i < this.words.length; i++) {
      const next = (this.words[i]! & other.words[i]!) >>> 0;
      if (next !== this.words[i]) {
        this.words[i] = next;
        changed = true;
      }
    }
    return changed;
  }

  /** this ∩= (a ∪ b), without building a ∪ b; returns whether this changed. */
  andUnionInPlace(a: Bitset, b: Bitset): boolean {
    let changed = false;
    for (let i = 0; i < this.words.length; i++) {
      const next = (this.words[i]! & (a.words[i]! | b.words[i]!)) >>> 0;
      if (next !== this.words[i]) {
        this.words[i] = next;
        changed = true;
      }
    }
    return changed;
  }

  /** this ∪= (a ∪ b); returns whether this changed. */
  orUnionInPlace(a: Bitset, b: Bitset): boolean {
    let changed = false;
    for (let i = 0; i < this.words.length; i++) {
      const next = (this.words[i]! | a.words[i]! | b.words[i]!) >>> 0;
      if (next !== this.words[i]) {
        this.words[i] = next;
        changed = true;
      }
    }
    return changed;
  }

  /** A new set: this ∪ others. */
  union(...others: Bitset[]): Bitset {
    const out = this.clone();
    for (const other of others) out.orInPlace(other);
    return out;
  }
}
