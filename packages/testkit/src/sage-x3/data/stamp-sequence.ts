import { hashInts } from './hash.js';

const CHECKPOINT_EVERY = 64;
const BULK_BLOCK = 1000;

/**
 * The update stamps (whole UTC seconds) of one generated table, non-decreasing in record index.
 *
 * Stamps are never stored per record: a record's stamp is the sum of per-index deltas, with a running total kept
 * every 64 indices (1M records → 16k numbers). About 30% of deltas are zero and every other block of 1000
 * records holds one "bulk posting" run of 50–400 records sharing one stamp, so equal-stamp groups straddle any
 * page size. The whole sequence is scaled to fit the history window [from, to].
 */
export class StampSequence {
  readonly count: number;
  readonly #seed: number;
  readonly #checkpoints: Float64Array;
  readonly #from: number;
  readonly #scale: number;

  /**
   * @param count number of records.
   * @param seed 32-bit table seed.
   * @param fromSec first stamp (epoch seconds).
   * @param toSec upper limit for the last stamp (epoch seconds).
   */
  constructor(count: number, seed: number, fromSec: number, toSec: number) {
    this.count = count;
    this.#seed = seed;
    this.#from = fromSec;
    this.#checkpoints = new Float64Array(Math.floor(count / CHECKPOINT_EVERY) + 1);
    let units = 0;
    for (let i = 0; i < count; i++) {
      if (i > 0) units += this.unitDelta(i);
      if (i % CHECKPOINT_EVERY === 0) this.#checkpoints[i / CHECKPOINT_EVERY] = units;
    }
    this.#scale = units > 0 ? Math.max(0, toSec - fromSec) / units : 0;
  }

  /** Units between record `j - 1` and record `j` (0 means "same stamp"). */
  unitDelta(j: number): number {
    const block = Math.floor(j / BULK_BLOCK);
    const hb = hashInts(this.#seed, 7, block);
    if (hb & 1) {
      const start = block * BULK_BLOCK + ((hb >>> 1) % 600);
      const len = 50 + ((hb >>> 11) % 350);
      if (j > start && j < start + len) return 0;
    }
    const h = hashInts(this.#seed, 11, j);
    if (h % 100 < 30) return 0;
    return 1 + ((h >>> 8) % 20);
  }

  /** Cumulative units at record `i`. */
  unitsAt(i: number): number {
    const c = Math.floor(i / CHECKPOINT_EVERY);
    let units = this.#checkpoints[c] ?? 0;
    for (let j = c * CHECKPOINT_EVERY + 1; j <= i; j++) units += this.unitDelta(j);
    return units;
  }

  /** Converts cumulative units to a stamp in epoch seconds. */
  stampOfUnits(units: number): number {
    return this.#from + Math.floor(units * this.#scale);
  }

  /** The stamp (epoch seconds) of record `i`. */
  stampAt(i: number): number {
    return this.stampOfUnits(this.unitsAt(i));
  }

  /** The first index whose stamp is `>= sec` (or `count` when none). Binary search, no materialisation. */
  firstIndexAtOrAfter(sec: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.stampAt(mid) < sec) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
