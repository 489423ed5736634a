/**
 * CPU seconds the SDK's own process spends per 1,000,000 GL lines (docs/benchmarks.md, "cpu-per-million"): a first
 * load and an unchanged full re-read, over REST and over GraphQL. The SDK runs in its own process (sdk-sync.mts,
 * SQLite store) and reports `process.cpuUsage()` around `sync.run()`; the simulators run in this process's worker
 * thread, so their CPU is not counted. Power BI's quotas are compressed 3600× so that pacing waits (which cost no
 * CPU anyway) do not stretch the run.
 *
 * Targets (issue "prove the value"): ≤ 20 CPU-seconds per million rows on a first load, ≤ 5 on an unchanged
 * re-sync. Printed against the target, not checked: a slower machine would fail a check that says nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BenchReport, check, selected } from '../../../testkit/bench/harness.mjs';
import { startSimulatorsInWorker } from '../../../testkit/bench/start-simulators-in-worker.mjs';
import { type SdkSyncConfig, type SdkSyncResult, startContender } from './versus-protocol.mjs';

const ENTRIES = Number(process.env.BENCH_CPU_ENTRIES ?? 50_000);
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

async function benchTransport(report: BenchReport, transport: 'rest' | 'graphql'): Promise<void> {
  const sims = await startSimulatorsInWorker({
    x3: {
      seed: 9,
      size: { account: 1, supplier: 1, product: 1, purchaseOrder: 1, salesInvoice: 1, journalEntry: ENTRIES },
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
      resync.recordsUnchanged === ENTRIES && resync.rowsPosted === 0,
      'the full re-read found every record unchanged',
    );
    const perMillion = (cpuMs: number) => cpuMs / 1000 / (lines / 1_000_000);
    const name = `cpu-per-million-${transport}`;
    report.record(
      name,
      'first_load_cpu',
      perMillion(first.cpuMs),
      's/M rows',
      `target ≤ ${TARGET.first}; ${lines} rows`,
    );
    report.record(
      name,
      'unchanged_resync_cpu',
      perMillion(resync.cpuMs),
      's/M rows',
      `target ≤ ${TARGET.resync}; full re-read`,
    );
  } finally {
    await sims.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the CPU-per-million-rows benchmarks into `report`. */
export async function benchCpuPerMillion(report: BenchReport): Promise<void> {
  if (!selected('cpu-per-million')) return;
  report.section(
    `cpu-per-million: CPU seconds of the SDK's process per 1,000,000 GL lines (${ENTRIES.toLocaleString('en-US')} journal entries, SQLite store, simulators in another thread)`,
  );
  for (const transport of ['rest', 'graphql'] as const) await benchTransport(report, transport);
}
