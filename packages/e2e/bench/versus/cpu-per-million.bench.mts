/**
 * CPU seconds the SDK's own process spends per 1,000,000 GL lines (docs/benchmarks.md, "cpu-per-million"): a first
 * load and an unchanged full re-read, over REST and over GraphQL. The SDK runs in its own process (sdk-sync.mts,
 * SQLite store) and reports `process.cpuUsage()` around `sync.run()`; the simulators run in this process's worker
 * thread, so their CPU is not counted. Power BI's quotas are compressed 3600× so that pacing waits (which cost no
 * CPU anyway) do not stretch the run.
 *
 * Targets (issue "prove the value"): ≤ 20 CPU-seconds per million rows on a first load, ≤ 5 on an unchanged
 * re-sync. Printed against the target, not checked: a slower machine would fail a check that says nothing.
 *
 * Each run is a new process, so its CPU holds a part that does not grow with the rows (V8 compiling the code paths
 * for the first time, opening the store, the lease, the Power BI token and dataset check) beside the part that does.
 * Divided by 200,000 rows, the first weighs five times what it weighs in a million-row run. So each transport also
 * runs at a fifth of the size, and a straight line through the two runs splits the CPU into `*_fixed_cpu` (seconds
 * per run) and `*_marginal_cpu` (seconds per million rows beyond it); `*_cpu_1m` = fixed + marginal is what a run
 * of 1,000,000 rows would cost on that line. A fit of two runs: its parts move with the machine's noise, which the
 * headline figure (`first_load_cpu`, `unchanged_resync_cpu`: the large run divided by its rows) does not hide.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BenchReport, check, selected } from '../../../testkit/bench/harness.mjs';
import { startSimulatorsInWorker } from '../../../testkit/bench/start-simulators-in-worker.mjs';
import { type SdkSyncConfig, type SdkSyncResult, startContender } from './versus-protocol.mjs';

const ENTRIES = Number(process.env.BENCH_CPU_ENTRIES ?? 50_000);
/** The smaller run of the fit: a fifth of the rows. */
const SMALL_ENTRIES = Math.max(1, Math.round(ENTRIES / 5));
const TIME_SCALE = 3600;
/** Re-reading everything from the beginning: a lookback longer than the simulators' history. */
const FULL_LOOKBACK_MS = 20 * 365 * 86_400_000;
const TARGET = { first: 20, resync: 5 };

async function runSdk(
  config: SdkSyncConfig,
): Promise<Extract<SdkSyncResult, { recordsRead: number }> & { cpuMs: number }> {
  const outcome = await startContender<SdkSyncResult>('sdk-sync.mts', 'MLC_SDK_CONFIG', config).done;
  const result = outcome.result;
  check(
    outcome.code === 0 && result !== undefined && 'recordsRead' in result,
    `sdk process ended with code ${outcome.code}: ${JSON.stringify(result)} ${outcome.stderr.slice(-2000)}`,
  );
  return result as Extract<SdkSyncResult, { recordsRead: number }> & { cpuMs: number };
}

/** CPU of one first load and one unchanged full re-read, against simulators seeded with `entries` journal entries. */
interface SizedRun {
  /** GL lines (rows) of the load. */
  lines: number;
  /** CPU ms of each phase's process. */
  cpuMs: Record<Phase, number>;
}

/** The two measured phases: a first load, then an unchanged full re-read. */
const PHASES = ['first_load', 'unchanged_resync'] as const;
type Phase = (typeof PHASES)[number];

async function runAtSize(transport: 'rest' | 'graphql', entries: number): Promise<SizedRun> {
  const sims = await startSimulatorsInWorker({
    x3: {
      seed: 9,
      size: { account: 1, supplier: 1, product: 1, purchaseOrder: 1, salesInvoice: 1, journalEntry: entries },
      maxPageSize: 1000,
    },
    pbi: { seed: 9, timeScale: TIME_SCALE },
  });
  const dir = mkdtempSync(join(tmpdir(), 'mlc-cpu-'));
  try {
    const x3 = sims.x3!;
    const config: SdkSyncConfig = {
      x3: { url: x3.url, endpoint: x3.endpoint, user: x3.basic.user, password: x3.basic.password },
      pbi: sims.pbi!,
      dbPath: join(dir, 'state.sqlite'),
      datasetName: 'Cpu',
      transport,
      timeScale: TIME_SCALE,
    };
    const lines = await sims.x3LineCount('journalEntry');
    const first = await runSdk(config);
    check(first.rowsPosted === lines, `first load posted ${first.rowsPosted} of ${lines} lines`);
    const resync = await runSdk({ ...config, lookbackMs: FULL_LOOKBACK_MS });
    check(
      resync.recordsUnchanged === entries && resync.rowsPosted === 0,
      'the full re-read found every record unchanged',
    );
    return { lines, cpuMs: { first_load: first.cpuMs, unchanged_resync: resync.cpuMs } };
  } finally {
    await sims.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The straight line through two runs' (rows, CPU ms) points: CPU seconds per run at zero rows and CPU seconds per
 * million rows beyond it.
 */
function fixedAndMarginal(
  small: { lines: number; cpuMs: number },
  large: { lines: number; cpuMs: number },
): { fixedS: number; marginalPerMillion: number } {
  const slopeMsPerLine = (large.cpuMs - small.cpuMs) / (large.lines - small.lines);
  return {
    fixedS: (small.cpuMs - slopeMsPerLine * small.lines) / 1000,
    marginalPerMillion: (slopeMsPerLine * 1_000_000) / 1000,
  };
}

function recordPhase(
  report: BenchReport,
  name: string,
  phase: Phase,
  small: { lines: number; cpuMs: number },
  large: { lines: number; cpuMs: number },
): void {
  const target = phase === 'first_load' ? TARGET.first : TARGET.resync;
  const what = phase === 'first_load' ? `${large.lines} rows` : 'full re-read';
  report.record(
    name,
    `${phase}_cpu`,
    large.cpuMs / 1000 / (large.lines / 1_000_000),
    's/M rows',
    `target ≤ ${target}; ${what}`,
  );
  // Two runs of one size (BENCH_CPU_ENTRIES under 5) draw no line.
  if (small.lines >= large.lines) return;
  const { fixedS, marginalPerMillion } = fixedAndMarginal(small, large);
  report.record(name, `${phase}_fixed_cpu`, fixedS, 's/run', `fit of ${small.lines} and ${large.lines} rows`);
  report.record(name, `${phase}_marginal_cpu`, marginalPerMillion, 's/M rows', 'beyond the fixed part');
  report.record(
    name,
    `${phase}_cpu_1m`,
    fixedS + marginalPerMillion,
    's/M rows',
    `a 1,000,000-row run on the fit; target ≤ ${target}`,
  );
}

async function benchTransport(report: BenchReport, transport: 'rest' | 'graphql'): Promise<void> {
  const small = await runAtSize(transport, SMALL_ENTRIES);
  const large = await runAtSize(transport, ENTRIES);
  const name = `cpu-per-million-${transport}`;
  for (const phase of PHASES) {
    const point = (run: SizedRun) => ({ lines: run.lines, cpuMs: run.cpuMs[phase] });
    recordPhase(report, name, phase, point(small), point(large));
  }
}

/** Runs the CPU-per-million-rows benchmarks into `report`. */
export async function benchCpuPerMillion(report: BenchReport): Promise<void> {
  if (!selected('cpu-per-million')) return;
  report.section(
    `cpu-per-million: CPU seconds of the SDK's process per 1,000,000 GL lines (${ENTRIES.toLocaleString('en-US')} journal entries and a fifth of that for the fit, SQLite store, simulators in another thread)`,
  );
  for (const transport of ['rest', 'graphql'] as const) await benchTransport(report, transport);
}
