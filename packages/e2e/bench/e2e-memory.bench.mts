/**
 * Bounded memory of a sync: peak heap retained by the engine (clients, engine, store; the simulators run in a
 * worker thread and are not counted) while syncing 10k vs 100k records. GL accounts in append mode: one row per
 * record, so the records-to-rows ratio does not blur the comparison.
 */
import {
  type BenchReport,
  exposedGc,
  measureHeap,
  mb,
  retainedGrowthRatio,
  selected,
} from '../../testkit/bench/harness.mjs';
import { runOnce, type StoreKind, startSyncLoop } from './sync-loop.mjs';

const SMALL = 10_000;
const LARGE = 100_000;
/**
 * 10,000 records are one batch: that run never holds a batch in flight while the next one fills, which every longer
 * run does from its second batch on. The ratio of two runs that both get there (2 and 20 batches) tells whether
 * memory grows with the table; the 10k/100k ratio also carries the one-batch difference.
 */
const PIPELINED_SMALL = 20_000;
const PIPELINED_LARGE = 200_000;

async function peakWhileSyncing(records: number, storeKind: StoreKind) {
  const loop = await startSyncLoop({ stream: 'glAccounts', records, storeKind });
  try {
    const { result, heap } = await measureHeap(() => runOnce(loop.sync()), { intervalMs: 50 });
    if (result.rowsPosted !== records) throw new Error(`posted ${result.rowsPosted} of ${records} rows`);
    return heap;
  } finally {
    await loop.close();
  }
}

/** The 200k / 20k peak retained ratio: both runs hold a batch in flight while the next one fills. */
async function recordPipelinedRatio(report: BenchReport, name: string): Promise<void> {
  const small = await peakWhileSyncing(PIPELINED_SMALL, 'sqlite');
  const large = await peakWhileSyncing(PIPELINED_LARGE, 'sqlite');
  report.record(name, 'peak_retained_20k', mb(small.peakRetainedGrowth), 'MB');
  report.record(name, 'peak_retained_200k', mb(large.peakRetainedGrowth), 'MB');
  report.record(
    name,
    'peak_retained_ratio_pipelined',
    retainedGrowthRatio(large, small),
    'ratio',
    '200k / 20k: both past their first batch; near 1 = bounded memory',
  );
}

/** Runs the bounded-memory benchmarks into `report`. */
export async function benchE2eMemory(report: BenchReport): Promise<void> {
  if (!exposedGc()) {
    console.log('\n(skipped the sync heap benchmark: run node with --expose-gc)');
    return;
  }
  for (const storeKind of ['sqlite', 'memory'] as const) {
    const name = `e2e-heap-${storeKind}`;
    if (!selected(name)) continue;
    report.section(`sync heap, 10k vs 100k GL accounts (append, batches of 10,000), ${storeKind} store`);
    // A first small sync warms the JIT so the small run is not inflated by compilation.
    await peakWhileSyncing(1_000, storeKind);
    const small = await peakWhileSyncing(SMALL, storeKind);
    const large = await peakWhileSyncing(LARGE, storeKind);
    const ratio = retainedGrowthRatio(large, small);
    report.record(name, 'peak_retained_10k', mb(small.peakRetainedGrowth), 'MB');
    report.record(name, 'peak_retained_100k', mb(large.peakRetainedGrowth), 'MB');
    report.record(
      name,
      'peak_retained_ratio',
      ratio,
      'ratio',
      storeKind === 'sqlite'
        ? '100k / 10k; near 1 = bounded memory'
        : '100k / 10k; the memory store keeps the ledger in the heap by design',
    );
    if (storeKind === 'memory') {
      report.record(
        name,
        'heap_per_ledger_entry',
        (large.peakRetainedGrowth - small.peakRetainedGrowth) / (LARGE - SMALL),
        'B/record',
        'growth per extra record',
      );
    }
    report.record(name, 'peak_used_10k', mb(small.peakUsedGrowth), 'MB', 'garbage included');
    report.record(name, 'peak_used_100k', mb(large.peakUsedGrowth), 'MB', 'garbage included');
    if (storeKind === 'sqlite') await recordPipelinedRatio(report, name);
  }
}
