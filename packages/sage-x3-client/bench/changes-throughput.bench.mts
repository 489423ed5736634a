/**
 * Incremental read throughput: `changes('journalEntry')` over REST api1 and over GraphQL from the Sage X3
 * simulator (in a worker thread, loopback), every record validated and normalised, lines included.
 */
import {
  type BenchReport,
  check,
  iterations,
  median,
  selected,
  timeIt,
} from '../../testkit/bench/harness.mjs';
import { startSimulatorsInWorker } from '../../testkit/bench/start-simulators-in-worker.mjs';
import { basicAuth, createX3Client } from '../src/index.js';

const ENTRIES = 50_000;

/** Every entity but journal entries kept tiny: only journal entries are read. */
export const ONLY_JOURNALS = {
  account: 1,
  supplier: 1,
  product: 1,
  purchaseOrder: 1,
  salesInvoice: 1,
} as const;

/** Runs the `changes()` throughput benchmarks into `report`. */
export async function benchChangesThroughput(report: BenchReport): Promise<void> {
  if (!selected('changes-')) return;
  const sims = await startSimulatorsInWorker({
    x3: { seed: 5, size: { ...ONLY_JOURNALS, journalEntry: ENTRIES }, maxPageSize: 1000 },
  });
  try {
    const x3sim = sims.x3!;
    const lines = await sims.x3LineCount('journalEntry');
    for (const transport of ['rest', 'graphql'] as const) {
      const name = `changes-${transport}-50k-journal-entries`;
      if (!selected(name)) continue;
      report.section(
        `changes('journalEntry') over ${transport === 'rest' ? 'REST api1' : 'GraphQL'}: ${ENTRIES.toLocaleString('en-US')} entries (${lines.toLocaleString('en-US')} lines), pages of 1,000`,
      );
      const client = createX3Client({
        baseUrl: x3sim.url,
        endpoint: x3sim.endpoint,
        transport,
        auth: basicAuth(x3sim.basic),
        pageSize: 1000,
      });
      const readAll = async (limit: number) => {
        let records = 0;
        let invalid = 0;
        for await (const change of client.changes('journalEntry', {})) {
          if (!change.ok) invalid++;
          if (++records >= limit) break;
        }
        check(invalid === 0, `no invalid record (got ${invalid})`);
        return records;
      };
      const { durationsMs, last, busy } = await timeIt(
        (run) => readAll(run < 0 ? 5_000 : Number.POSITIVE_INFINITY),
        {
          warmup: 1,
          iterations: iterations(3),
        },
      );
      check(last === ENTRIES, `read every record once (got ${last})`);
      const seconds = median(durationsMs) / 1000;
      report.record(name, 'throughput', ENTRIES / seconds, 'records/s', `median of ${durationsMs.length}`);
      report.record(name, 'throughput_lines', lines / seconds, 'lines/s');
      report.record(name, 'median_time', median(durationsMs), 'ms');
      report.record(
        name,
        'client_busy',
        busy,
        'ratio',
        'client thread busy share; the rest waits on the simulator',
      );
    }
  } finally {
    await sims.close();
  }
}
