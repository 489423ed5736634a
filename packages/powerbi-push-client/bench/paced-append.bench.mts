/**
 * Paced appends over loopback HTTP into the Power BI simulator (in a worker thread, system clock, compressed
 * quota windows): rows per second end to end, and proof that the pacer keeps under the quotas (no 429).
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
import { clientSecretCredential, createPowerBIClient } from '../src/index.js';
import { glDataset, glLines } from './gl-lines.mjs';

/** One paced-append scenario. */
interface Scenario {
  name: string;
  title: string;
  rows: number;
  maxRowsPerRequest: number;
  /** Same factor on simulator and pacer: one quota minute lasts `60 / timeScale` s. */
  timeScale: number;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'append-200k-timescale-3600',
    title: 'paced append of 200,000 GL lines (20 POSTs of 10,000), timeScale 3600',
    rows: 200_000,
    maxRowsPerRequest: 10_000,
    timeScale: 3600,
  },
  {
    // 200 POSTs > 120 per (scaled) minute of 2 s: the per-minute quota binds (the client alone could send ~30
    // small POSTs per second here), so this proves the pacer waits instead of being throttled.
    name: 'append-200x250-timescale-30',
    title: 'paced append of 50,000 GL lines as 200 POSTs of 250 (120 POSTs/min binds), timeScale 30',
    rows: 50_000,
    maxRowsPerRequest: 250,
    timeScale: 30,
  },
];

async function runScenario(report: BenchReport, scenario: Scenario): Promise<void> {
  report.section(scenario.title);
  const sims = await startSimulatorsInWorker({ pbi: { seed: 3, timeScale: scenario.timeScale } });
  try {
    const pbi = sims.pbi!;
    const client = createPowerBIClient({
      credential: clientSecretCredential({
        tenantId: pbi.tenantId,
        clientId: pbi.clientId,
        clientSecret: pbi.clientSecret,
      }),
      groupId: pbi.groupId,
      apiBase: pbi.url,
      authorityHost: pbi.authorityHost,
      maxRowsPerRequest: scenario.maxRowsPerRequest,
      // Only the windows are compressed; the default 1 s margin (send time vs the service's count time) stays, as
      // latency does not shrink with the time scale. (With a 20 ms margin a loaded 2-core machine saw 429s.)
      pacing: { timeScale: scenario.timeScale },
    });
    const dataset = await client.ensureDataset(glDataset);
    const table = dataset.table('GLEntryLines');
    const rows = glLines(scenario.rows);
    await sims.clearRequests();
    const { durationsMs, busy } = await timeIt(
      async (run) => {
        const result = await table.append(run < 0 ? rows.slice(0, scenario.rows / 10) : rows, {
          batchId: `bench-${run}`,
        });
        check(result.outcome === 'applied', `append applied (got ${result.outcome})`);
        // Start each run on an empty table, so the ≥ 250k-row hourly cap never applies.
        await table.clear();
      },
      { warmup: 1, iterations: iterations(3) },
    );
    const stats = await sims.postStats();
    const throttled = stats.byStatus['429'] ?? 0;
    const seconds = median(durationsMs) / 1000;
    report.record(
      scenario.name,
      'throughput',
      scenario.rows / seconds,
      'rows/s',
      `median of ${durationsMs.length}`,
    );
    report.record(scenario.name, 'median_time', median(durationsMs), 'ms');
    report.record(scenario.name, 'client_busy', busy, 'ratio', 'client thread busy share of the time');
    const postsPerRun = Math.ceil(scenario.rows / scenario.maxRowsPerRequest);
    report.record(
      scenario.name,
      'posts_per_scaled_minute',
      (postsPerRun / seconds) * (60 / scenario.timeScale),
      'POST/min',
      'quota 120 (the 1 s margin makes the pacer stay below it)',
    );
    report.record(scenario.name, 'posts', stats.posts, 'count', 'all runs incl. warm-up');
    report.record(
      scenario.name,
      'throttled_429',
      throttled,
      'count',
      `must be 0${throttled ? ` ${JSON.stringify(stats.throttleReasons)}` : ''}`,
    );
    if (throttled > 0) {
      report.flush();
      check(false, `no 429 from the simulator (got ${JSON.stringify(stats.throttleReasons)})`);
    }
  } finally {
    await sims.close();
  }
}

/** Runs the paced-append benchmarks into `report`. */
export async function benchPacedAppend(report: BenchReport): Promise<void> {
  for (const scenario of SCENARIOS) if (selected(scenario.name)) await runScenario(report, scenario);
}
