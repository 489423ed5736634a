/**
 * Deterministic 32-bit hashing and a small PRNG. Every generated value is a pure function of
 * (seed, salt, index, …) so any record can be rebuilt on demand without keeping the table in memory.
 */

/** Mixes one 32-bit word into a running hash (murmur3-style finaliser). */
function mix(h: number, v: number): number {
  let k = Math.imul(v | 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  let x = h ^ k;
  x = (x << 13) | (x >>> 19);
  return (Math.imul(x, 5) + 0xe6546b64) | 0;
}

function finalise(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Hashes a string to a 32-bit unsigned integer (used to turn seeds and salts into numbers). */
export function hashString(s: string): number {
  let h = 0x9747b28c;
  for (let i = 0; i < s.length; i++) h = mix(h, s.charCodeAt(i));
  return finalise(h ^ s.length);
}

/** Hashes a list of integers (indices may exceed 2^32; the high part is mixed in too). */
export function hashInts(...values: number[]): number {
  let h = 0x2f6b1e4d;
  for (const v of values) {
    h = mix(h, v);
    if (v > 0xffffffff || v < 0) h = mix(h, Math.floor(v / 0x100000000));
  }
  return finalise(h ^ values.length);
}

/** A seeded PRNG (mulberry32) for drawing several values for one record. */
export class Rng {
  #state: number;

  /** @param seed any 32-bit integer. */
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) | 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }
}
