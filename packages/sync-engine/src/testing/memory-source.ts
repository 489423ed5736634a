import { compareCursors } from '../cursor/stream-cursor.js';
import { contentHash } from '../ledger/content-hash.js';
import { compareStamps, parseStamp } from '../cursor/stamp.js';
import type { FailureDescription } from '../alerts/failure-description.js';
import type { SourceItem, SourceReadRequest, SyncSource } from '../source/sync-source.js';

interface Entry<T> {
  key: string;
  stamp: string;
  record?: T;
  invalid?: { raw: unknown; field?: string; reason: string };
}

/** Options of {@link MemorySource}. */
export interface MemorySourceOptions {
  /** Records per page (each page is a fresh keyset query, like the real readers). @default 100 */
  pageSize?: number;
  /** Called before each page is read (e.g. to change records mid-run in a test). */
  onPage?: (pageIndex: number) => void | Promise<void>;
  /**
   * Give each valid record a `fingerprint` (a content hash of the record, as `x3Source` hashes the raw record), so
   * the engine skips unchanged records before mapping them. @default false
   */
  fingerprints?: boolean;
}

/**
 * An in-memory {@link SyncSource} for tests: a live table read by keyset pages on (stamp, key) within
 * `[since, until)`, so records changed during a run behave like in a database. Exported for downstream tests.
 */
export class MemorySource<T> implements SyncSource<T> {
  readonly #entries = new Map<string, Entry<T>>();
  #sorted: Entry<T>[] | undefined;
  readonly #pageSize: number;
  readonly #onPage: MemorySourceOptions['onPage'];
  readonly #fingerprints: boolean;
  /** Number of pages served (for assertions). */
  pagesRead = 0;
  /** How this source describes its own failures (`SyncSource.describeFailure`); set it to simulate a real one. */
  describeFailure?: (error: unknown) => FailureDescription | undefined;

  /** Creates an empty source. */
  constructor(options: MemorySourceOptions = {}) {
    this.#pageSize = options.pageSize ?? 100;
    this.#onPage = options.onPage;
    this.#fingerprints = options.fingerprints === true;
  }

  /** Inserts or replaces a record at `stamp`. */
  put(key: string, stamp: string, record: T): void {
    this.#entries.set(key, { key, stamp, record });
    this.#sorted = undefined;
  }

  /** Inserts or replaces a record the source will report as invalid. */
  putInvalid(key: string, stamp: string, invalid: { raw: unknown; field?: string; reason: string }): void {
    this.#entries.set(key, { key, stamp, invalid });
    this.#sorted = undefined;
  }

  /** Removes a record (a delete that bumps no stamp). */
  remove(key: string): void {
    this.#entries.delete(key);
    this.#sorted = undefined;
  }

  /** Current record of `key`. */
  get(key: string): T | undefined {
    return this.#entries.get(key)?.record;
  }

  /** Number of records. */
  get size(): number {
    return this.#entries.size;
  }

  /** {@inheritDoc SyncSource.read} */
  async *read(request: SourceReadRequest): AsyncIterable<SourceItem<T>> {
    let after: { stamp: string; key: string } | undefined;
    for (let page = 0; ; page++) {
      request.signal?.throwIfAborted();
      await this.#onPage?.(page);
      this.pagesRead += 1;
      // Each page is a fresh keyset query over the live table: WHERE stamp >= since AND stamp < until AND
      // (stamp, key) > after ORDER BY stamp, key LIMIT pageSize.
      const sorted = this.sortedEntries();
      let start = 0;
      const from = after;
      if (from) start = lowerBound(sorted, (e) => compareCursors(e, from) > 0);
      else if (request.since !== undefined) {
        const since = request.since;
        start = lowerBound(sorted, (e) => compareStamps(e.stamp, since) >= 0);
      }
      const rows: Entry<T>[] = [];
      for (let i = start; i < sorted.length && rows.length < this.#pageSize; i++) {
        const e = sorted[i] as Entry<T>;
        if (compareStamps(e.stamp, request.until) >= 0) break;
        rows.push(e);
      }
      for (const e of rows) {
        if (e.record !== undefined)
          yield {
            ok: true,
            key: e.key,
            stamp: e.stamp,
            record: structuredClone(e.record),
            raw: structuredClone(e.record),
            ...(this.#fingerprints ? { fingerprint: contentHash(e.record) } : {}),
          };
        else if (e.invalid) {
          yield {
            ok: false,
            key: e.key,
            stamp: e.stamp,
            raw: e.invalid.raw,
            reason: e.invalid.reason,
            ...(e.invalid.field !== undefined ? { field: e.invalid.field } : {}),
          };
        }
      }
      if (rows.length < this.#pageSize) return;
      const last = rows.at(-1) as Entry<T>;
      after = { stamp: last.stamp, key: last.key };
    }
  }

  private sortedEntries(): Entry<T>[] {
    if (!this.#sorted) {
      const decorated = [...this.#entries.values()].map((e) => ({ e, at: parseStamp(e.stamp) }));
      decorated.sort((a, b) => {
        if (a.at && b.at && (a.at.epochMs !== b.at.epochMs || a.at.subMsNanos !== b.at.subMsNanos)) {
          return a.at.epochMs - b.at.epochMs || a.at.subMsNanos - b.at.subMsNanos;
        }
        return compareCursors(a.e, b.e);
      });
      this.#sorted = decorated.map((d) => d.e);
    }
    return this.#sorted;
  }

  /** {@inheritDoc SyncSource.keys} */
  async *keys(): AsyncIterable<string> {
    const keys = [...this.#entries.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const key of keys) yield key;
  }
}

/** First index whose element satisfies `pred` (which must be monotone over the sorted array). */
function lowerBound<E>(sorted: readonly E[], pred: (e: E) => boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pred(sorted[mid] as E)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
