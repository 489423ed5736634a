/**
 * End-to-end sync, Sage X3 simulator → engine → Power BI simulator over loopback: first load of 50,000 journal
 * entries (≈ 200,000 GL lines) and a full re-read of the same unchanged records, with the memory and the SQLite
 * store.
 */
import {
  type BenchReport,
  check,
  iterations,
  median,
  selected,
  timeIt,
} from '../../testkit/bench/harness.mjs';
import { FULL_LOOKBACK_MS, runOnce, type StoreKind, startSyncLoop } from './sync-loop.mjs';

const ENTRIES = 50_000;

async function benchStore(report: BenchReport, storeKind: StoreKind): Promise<void> {
  const name = `e2e-${storeKind}-50k-journal-entries`;
  report.section(
    `sync X3 → Power BI, ${ENTRIES.toLocaleString('en-US')} journal entries as GL lines, ${storeKind} store (REST, pages of 1,000, batches of 10,000 rows)`,
  );
  // Warm-up on its own small loop (JIT, sockets, token): the measured first load must start from an empty store.
  const warm = await startSyncLoop({ stream: 'glEntryLines', records: 2_000, storeKind });
  try {
    await runOnce(warm.sync());
  } finally {
    await warm.close();
  }
  const loop = await startSyncLoop({ stream: 'glEntryLines', records: ENTRIES, storeKind });
  try {
    const lines = await loop.sims.x3LineCount('journalEntry');
    // First load: one measured run (50k records is already a long steady-state run).
    const first = await timeIt(() => runOnce(loop.sync()), { warmup: 0, iterations: 1 });
    const result = first.last;
    check(result.status === 'completed', `first sync completed (got ${result.status})`);
    check(result.recordsRead === ENTRIES, `read every record (got ${result.recordsRead})`);
    check(result.rowsPosted === lines, `posted every line once (got ${result.rowsPosted} of ${lines})`);
    check((await loop.sims.rowCount()) === lines, 'the Power BI simulator holds every line once');
    const throttled = (await loop.sims.postStats()).byStatus['429'] ?? 0;
    const seconds = median(first.durationsMs) / 1000;
    report.record(name, 'first_sync_records', ENTRIES / seconds, 'records/s', '1 run');
    report.record(
      name,
      'first_sync_rows',
      lines / seconds,
      'rows/s',
      `${lines.toLocaleString('en-US')} rows`,
    );
    report.record(name, 'first_sync_time', median(first.durationsMs), 'ms');
    report.record(name, 'first_sync_busy', first.busy, 'ratio', 'engine thread busy share');
    report.record(name, 'throttled_429', throttled, 'count', 'must be 0');
    check(throttled === 0, `no 429 (got ${throttled})`);

    // Re-sync: the whole history re-read (lookback past the cursor), every record known to the ledger.
    const before = (await loop.sims.postStats()).posts;
    const again = await timeIt(() => runOnce(loop.sync({ lookbackMs: FULL_LOOKBACK_MS })), {
      warmup: 0,
      iterations: iterations(2),
    });
    const resync = again.last;
    check(resync.recordsRead === ENTRIES, `re-read every record (got ${resync.recordsRead})`);
    check(resync.recordsUnchanged === ENTRIES, `every record unchanged (got ${resync.recordsUnchanged})`);
    const posted = resync.rowsPosted;
    const postsAfter = (await loop.sims.postStats()).posts;
    const resyncSeconds = median(again.durationsMs) / 1000;
    report.record(
      name,
      'resync_records',
      ENTRIES / resyncSeconds,
      'records/s',
      `median of ${again.durationsMs.length}`,
    );
    report.record(name, 'resync_time', median(again.durationsMs), 'ms');
    report.record(name, 'resync_rows_posted', posted, 'rows', 'must be 0');
    report.record(name, 'resync_posts', postsAfter - before, 'count', 'POST rows requests; must be 0');
    check(posted === 0 && postsAfter === before, 'a re-sync of unchanged records posts nothing');
  } finally {
    await loop.close();
  }
}

/** Runs the end-to-end sync benchmarks into `report`. */
export async function benchE2eSync(report: BenchReport): Promise<void> {
  for (const storeKind of ['memory', 'sqlite'] as const) {
    if (selected(`e2e-${storeKind}`)) await benchStore(report, storeKind);
  }
}
