import { parseStamp } from '@mlc/core';
import { X3ResponseError } from '../errors/x3-response-error.js';

/**
 * Checks that stamps arrive in non-decreasing order. Incremental reading is only correct if the server honours the
 * `(stamp, key)` sort; a server (or representation) that silently ignores `orderBy` would make the reader skip
 * records, so that is detected and reported instead.
 */
export class StampOrderGuard {
  #lastMs = Number.NEGATIVE_INFINITY;
  #lastStamp = '';

  /** Throws when `stamp` sorts before the previous one. Unparseable stamps are left to record validation. */
  check(stamp: string | undefined, where: string): void {
    if (stamp === undefined) return;
    const ms = parseStamp(stamp)?.epochMs;
    if (ms === undefined) return;
    if (ms < this.#lastMs) {
      throw new X3ResponseError({
        message: `X3 returned records out of update-stamp order (${stamp} after ${this.#lastStamp}) at ${where}: the server ignored orderBy, incremental reading cannot be trusted`,
        code: 'X3_UNEXPECTED_RESPONSE',
        url: where,
      });
    }
    this.#lastMs = ms;
    this.#lastStamp = stamp;
  }
}
