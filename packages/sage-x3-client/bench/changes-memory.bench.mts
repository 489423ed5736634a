/**
 * The streaming claim of `changes()`: the heap the reader holds does not grow with the table. Reads ~10k and
 * ~120k journal lines (same page size) and compares the peak heap retained while reading.
 */
import {
  type BenchReport,
  exposedGc,
  measureHeap,
  mb,
  retainedGrowthRatio,
  selected,
} from '../../testkit/bench/harness.mjs';
import { startSimulatorsInWorker } from '../../testkit/bench/start-simulators-in-worker.mjs';
import { basicAuth, createX3Client } from '../src/index.js';
import { ONLY_JOURNALS } from './changes-throughput.bench.mjs';

/** Journal entries hold 4 lines on average: 2,500 ≈ 10k lines, 30,000 ≈ 120k lines. */
const SMALL = 2_500;
const LARGE = 30_000;

async function peakWhileReading(entries: number, transport: 'rest' | 'graphql') {
  const sims = await startSimulatorsInWorker({
    x3: { seed: 5, size: { ...ONLY_JOURNALS, journalEntry: entries } },
  });
  try {
    const x3sim = sims.x3!;
    const lines = await sims.x3LineCount('journalEntry');
    const client = createX3Client({
      baseUrl: x3sim.url,
      endpoint: x3sim.endpoint,
      transport,
      auth: basicAuth(x3sim.basic),
    });
    // Warm up (introspection, JIT, sockets) outside the measurement: the same 2,500 records for both sizes, so
    // code compiled during the read does not count against the small run only.
    let warm = 0;
    for await (const _ of client.changes('journalEntry', {})) if (++warm >= SMALL) break;
    const { result: records, heap } = await measureHeap(
      async (sampler) => {
        let count = 0;
        for await (const change of client.changes('journalEntry', {})) {
          if (change.ok) count++;
          // Sample while a page is held too (timer samples alone can fall between pages on a short read).
          if (count % 50 === 0) sampler.sample();
        }
        return count;
      },
      { intervalMs: 25 },
    );
    if (records !== entries) throw new Error(`read ${records} of ${entries} entries`);
    return { lines, heap };
  } finally {
    await sims.close();
  }
}

/** Runs the streaming-memory benchmarks into `report`. */
export async function benchChangesMemory(report: BenchReport): Promise<void> {
  if (!selected('changes-heap')) return;
  if (!exposedGc()) {
    console.log('\n(skipped the changes() heap benchmark: run node with --expose-gc)');
    return;
  }
  for (const transport of ['rest', 'graphql'] as const) {
    const name = `changes-heap-${transport}`;
    if (!selected(name)) continue;
    report.section(
      `changes() over ${transport === 'rest' ? 'REST' : 'GraphQL'}: peak heap reading ~10k vs ~120k journal lines (pages of 200)`,
    );
    const small = await peakWhileReading(SMALL, transport);
    const large = await peakWhileReading(LARGE, transport);
    const smallLabel = `${small.lines.toLocaleString('en-US')} lines`;
    const largeLabel = `${large.lines.toLocaleString('en-US')} lines`;
    report.record(name, 'peak_retained_small', mb(small.heap.peakRetainedGrowth), 'MB', smallLabel);
    report.record(name, 'peak_retained_large', mb(large.heap.peakRetainedGrowth), 'MB', largeLabel);
    report.record(
      name,
      'peak_retained_ratio',
      retainedGrowthRatio(large.heap, small.heap),
      'ratio',
      `large / small for ${(large.lines / small.lines).toFixed(1)}× the lines, each at least 1 MB (noise floor); near 1 = streaming`,
    );
    report.record(name, 'peak_used_small', mb(small.heap.peakUsedGrowth), 'MB', 'garbage included');
    report.record(name, 'peak_used_large', mb(large.heap.peakUsedGrowth), 'MB', 'garbage included');
  }
}
