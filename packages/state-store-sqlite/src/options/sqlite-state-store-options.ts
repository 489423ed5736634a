import { StateStoreError } from '@mlc/sync-engine';

/** {@link SqliteStateStoreOptions.mmapSizeBytes}'s default: 256 MiB (SQLite caps it at its own compile-time maximum). */
const DEFAULT_MMAP_SIZE_BYTES = 256 * 1024 * 1024;

/** Options of {@link createSqliteStateStore}. */
export interface SqliteStateStoreOptions {
  /**
   * Path of the database file, created (with its layout) when missing. WAL mode keeps `<path>-wal` and
   * `<path>-shm` next to it while open: back up all three, or only the file after `close()`.
   */
  path: string;
  /** Time source for lease expiry (epoch ms). @default `Date.now` */
  clock?: { now(): number };
  /**
   * SQLite `synchronous` level. `full` fsyncs the WAL on every commit, so an intent is on disk before the engine
   * POSTs its rows: a power cut cannot forget an intent whose rows may already be in Power BI (which would post
   * them twice). `normal` is faster but may lose the last commits on a power cut or OS crash (never on a process
   * crash); use it only where duplicates after a power cut are acceptable.
   * @default 'full'
   */
  synchronous?: 'full' | 'normal';
  /** How long a write waits for another process's write lock before failing with `SQLITE_BUSY`, in ms. @default 5000 */
  busyTimeoutMs?: number;
  /**
   * SQLite `mmap_size`: how much of the database file reads map into memory instead of copying each page through a
   * `read()` call. A new process's first ledger look-up (scattered keys, every page cold) took about a quarter of
   * the time with it (docs/benchmarks.md, issue 16, fifth session). Writes are unchanged (they go through the WAL).
   * SQLite's caveat ([documented], "Memory-Mapped I/O"): an I/O error on a mapped page (a failing disk, the file
   * truncated by another program) raises `SIGBUS`, which ends the process instead of failing the call; the engine's
   * intents make a crash safe, as any crash is. `0` turns it off.
   * @default 268435456 (256 MiB)
   */
  mmapSizeBytes?: number;
}

/** {@link SqliteStateStoreOptions} with every default filled in. */
export interface ResolvedSqliteStateStoreOptions {
  /** Database file. */
  path: string;
  /** Lease clock. */
  clock: { now(): number };
  /** `synchronous` level. */
  synchronous: 'full' | 'normal';
  /** Busy timeout in ms. */
  busyTimeoutMs: number;
  /** `mmap_size` in bytes (0: off). */
  mmapSizeBytes: number;
}

/** Validates options and fills in defaults; throws `STORE_INVALID_ARGUMENT` naming the bad field. */
export function resolveSqliteStateStoreOptions(
  options: SqliteStateStoreOptions,
): ResolvedSqliteStateStoreOptions {
  const bad = (field: string, reason: string) =>
    new StateStoreError({
      code: 'STORE_INVALID_ARGUMENT',
      message: `SQLite state store option ${field}: ${reason}`,
    });
  if (typeof options?.path !== 'string' || options.path.length === 0)
    throw bad('path', 'must be a non-empty string');
  const synchronous = options.synchronous ?? 'full';
  if (synchronous !== 'full' && synchronous !== 'normal')
    throw bad('synchronous', "must be 'full' or 'normal'");
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0)
    throw bad('busyTimeoutMs', 'must be an integer ≥ 0');
  const mmapSizeBytes = options.mmapSizeBytes ?? DEFAULT_MMAP_SIZE_BYTES;
  if (!Number.isSafeInteger(mmapSizeBytes) || mmapSizeBytes < 0)
    throw bad('mmapSizeBytes', 'must be an integer ≥ 0');
  return {
    path: options.path,
    clock: options.clock ?? { now: () => Date.now() },
    synchronous,
    busyTimeoutMs,
    mmapSizeBytes,
  };
}
