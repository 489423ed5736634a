/**
 * Side by side: the SDK against the script a user would otherwise write (naive-sync.mts), in one run, against the
 * same simulators, data, quotas and faults (docs/benchmarks.md, "versus"). Each contender gets its own fresh pair of
 * simulators from the same seed, so one cannot see the other's dataset or quota.
 *
 * Phases, for each contender:
 * 1. first load of ≥ 200,000 GL lines with Power BI faults (a POST applied and its connection dropped, a 503, a 429
 *    with Retry-After) and one SIGKILL of the process mid-run, then a restart that finishes the load;
 * 2. an unchanged re-sync (a new process, nothing changed in Sage X3);
 * 3. a re-sync after 1 % of the journal entries were revised (new description and stamp).
 * After each phase the Power BI table is compared with Sage X3, line by line: rows duplicated, lines missing, lines
 * wrongly valued (account, sign, amounts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PowerBIFaultRule } from '@mlc/testkit';
import { type BenchReport, check, selected } from '../../../testkit/bench/harness.mjs';
import {
  type WorkerSimulators,
  startSimulatorsInWorker,
} from '../../../testkit/bench/start-simulators-in-worker.mjs';
import {
  type Contender,
  type Endpoints,
  type NaiveSyncResult,
  type SdkSyncResult,
  startContender,
} from './versus-protocol.mjs';

/** Journal entries (about 4 lines each: ≈ 200,000 GL lines by default). */
const ENTRIES = Number(process.env.BENCH_VERSUS_ENTRIES ?? 50_000);
/**
 * Power BI's quota windows compressed 20×: 1,000,000 rows per "hour" of 180 s, so 200,000 rows need at least 36 s.
 * Chosen so the quota binds, as it always does against the real service (278 rows/s per dataset), rather than CPU.
 */
const TIME_SCALE = Number(process.env.BENCH_VERSUS_TIMESCALE ?? 20);
const ROWS_PER_HOUR = 1_000_000;
/** The restart's SIGKILL comes once the simulator has seen this many POSTs (of about 20). */
const KILL_AFTER_POSTS = 12;

/** The same faults for both, counted on POST rows requests from the start of the first load. */
const FAULTS: PowerBIFaultRule[] = [
  { kind: 'drop-after', routes: ['postRows'], after: 2, times: 1 },
  { kind: 'status', status: 503, routes: ['postRows'], after: 5, times: 1 },
  { kind: 'throttle', retryAfterSeconds: 3, routes: ['postRows'], after: 8, times: 1 },
];

const NO_OTHER_ENTITIES = {
  account: 1,
  supplier: 1,
  product: 1,
  purchaseOrder: 1,
  salesInvoice: 1,
} as const;

type Kind = 'naive' | 'sdk';

interface PhaseFigures {
  wallMs: number;
  posts: number;
  throttled: number;
  rowsStored: number;
  duplicated: number;
  missing: number;
  wronglyValued: number;
  firstWrong?: string;
  cpuMs: number;
  /** Records the contender's last process read (the SDK reports it; the naive script does not). */
  recordsRead?: number;
  /** The SDK's wait for nothing but ambiguous batches to settle, summed over the phase's processes that finished. */
  settleWaitMs?: number;
}

interface Run {
  sims: WorkerSimulators;
  start(): Contender<NaiveSyncResult | SdkSyncResult>;
  close(): Promise<void>;
}

async function startRun(kind: Kind): Promise<Run> {
  const sims = await startSimulatorsInWorker({
    x3: { seed: 9, size: { ...NO_OTHER_ENTITIES, journalEntry: ENTRIES }, maxPageSize: 1000 },
    pbi: { seed: 9, timeScale: TIME_SCALE },
  });
  const x3 = sims.x3!;
  const endpoints: Endpoints = {
    x3: { url: x3.url, endpoint: x3.endpoint, user: x3.basic.user, password: x3.basic.password },
    pbi: sims.pbi!,
  };
  const dir = mkdtempSync(join(tmpdir(), `mlc-versus-${kind}-`));
  return {
    sims,
    start: () =>
      kind === 'naive'
        ? startContender<NaiveSyncResult>('naive-sync.mts', 'MLC_NAIVE_CONFIG', {
            ...endpoints,
            stateFile: join(dir, 'state.json'),
            datasetName: 'Versus',
          })
        : startContender<SdkSyncResult>('sdk-sync.mts', 'MLC_SDK_CONFIG', {
            ...endpoints,
            dbPath: join(dir, 'state.sqlite'),
            datasetName: 'Versus',
            transport: 'rest',
            timeScale: TIME_SCALE,
          }),
    close: async () => {
      await sims.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs one process to its end (or kills it after `killAfterPosts` POSTs); returns its CPU time (0 when killed) and
 * its start-up time.
 */
async function runProcess(
  run: Run,
  kind: Kind,
  killAfterPosts?: number,
): Promise<{
  cpuMs: number;
  startupMs: number;
  teardownMs: number;
  recordsRead?: number;
  settleWaitMs?: number;
}> {
  const contender = run.start();
  let exited = false;
  const done = contender.done.then((outcome) => {
    exited = true;
    return outcome;
  });
  if (killAfterPosts !== undefined) {
    while (!exited && (await run.sims.postStats()).posts < killAfterPosts) await sleep(20);
    contender.kill();
  }
  const outcome = await done;
  if (killAfterPosts !== undefined && outcome.signal === 'SIGKILL')
    return { cpuMs: 0, startupMs: outcome.startupMs, teardownMs: 0 };
  const result = outcome.result;
  check(
    outcome.code === 0 && result !== undefined,
    `${kind} process ended with code ${outcome.code} (${outcome.signal ?? 'no signal'}): ${outcome.stderr.slice(-2000)}`,
  );
  const recordsRead = result && 'recordsRead' in result ? result.recordsRead : undefined;
  const settleWaitMs = result && 'settleWaitMs' in result ? result.settleWaitMs : undefined;
  return {
    cpuMs: result?.cpuMs ?? 0,
    startupMs: outcome.startupMs,
    teardownMs: outcome.teardownMs,
    ...(recordsRead !== undefined ? { recordsRead } : {}),
    ...(settleWaitMs !== undefined ? { settleWaitMs } : {}),
  };
}

async function phase(run: Run, kind: Kind, killAfterPosts?: number): Promise<PhaseFigures> {
  const before = await run.sims.postStats();
  const rowsBefore = await run.sims.rowCount();
  const started = performance.now();
  const processes = [await runProcess(run, kind, killAfterPosts)];
  if (killAfterPosts !== undefined) processes.push(await runProcess(run, kind));
  // Process start-up (tsx transpiling the sources) and teardown after the result line are left out: a service pays
  // them once, not per run. The result line comes after the contender closed everything it opened (the SDK:
  // `sync.close()`).
  const wallMs =
    performance.now() - started - processes.reduce((sum, p) => sum + p.startupMs + p.teardownMs, 0);
  const cpuMs = processes.reduce((sum, p) => sum + p.cpuMs, 0);
  const after = await run.sims.postStats();
  const table = await run.sims.checkGlLines('GLEntryLines');
  return {
    wallMs,
    posts: after.posts - before.posts,
    throttled: (after.byStatus['429'] ?? 0) - (before.byStatus['429'] ?? 0),
    rowsStored: (await run.sims.rowCount()) - rowsBefore,
    duplicated: table.duplicated,
    missing: table.missing,
    wronglyValued: table.wronglyValued,
    ...(table.firstWrong ? { firstWrong: JSON.stringify(table.firstWrong) } : {}),
    cpuMs,
    ...(processes.at(-1)?.recordsRead !== undefined ? { recordsRead: processes.at(-1)?.recordsRead } : {}),
    ...(processes.some((p) => p.settleWaitMs !== undefined)
      ? { settleWaitMs: processes.reduce((sum, p) => sum + (p.settleWaitMs ?? 0), 0) }
      : {}),
  };
}

async function contend(
  kind: Kind,
): Promise<{ lines: number; touched: number; phases: Record<string, PhaseFigures> }> {
  const run = await startRun(kind);
  try {
    const lines = await run.sims.x3LineCount('journalEntry');
    await run.sims.setPowerBIFaults(FAULTS);
    const first = await phase(run, kind, KILL_AFTER_POSTS);
    await run.sims.clearPowerBIFaults();
    const unchanged = await phase(run, kind);
    const touched = await run.sims.touchX3('journalEntry', 100, 7);
    const changed = await phase(run, kind);
    return {
      lines,
      touched,
      phases: { 'first-load': first, 'unchanged-resync': unchanged, 'changed-1pct-resync': changed },
    };
  } finally {
    await run.close();
  }
}

/** Runs the side-by-side comparison into `report`. */
export async function benchVersus(report: BenchReport): Promise<void> {
  if (!selected('versus')) return;
  report.section(
    `versus: the SDK against a naive script, ${ENTRIES.toLocaleString('en-US')} journal entries (≈ 4 GL lines each), Power BI quotas ×${TIME_SCALE}, faults: drop-after-apply, 503, 429, one SIGKILL`,
  );
  const naive = await contend('naive');
  const sdk = await contend('sdk');
  const quotaBoundMs = (naive.lines / ROWS_PER_HOUR) * (3_600_000 / TIME_SCALE);
  for (const [kind, outcome] of [
    ['naive', naive],
    ['sdk', sdk],
  ] as const) {
    for (const [name, f] of Object.entries(outcome.phases)) {
      const bench = `versus-${kind}-${name}`;
      report.record(bench, 'wall_time', f.wallMs, 'ms', 'process start-up and exit excluded');
      if (name === 'first-load')
        report.record(
          bench,
          'wall_vs_quota_bound',
          f.wallMs / quotaBoundMs,
          'ratio',
          `minimum ${Math.round(quotaBoundMs)} ms`,
        );
      report.record(bench, 'rows_duplicated', f.duplicated, 'rows');
      report.record(bench, 'rows_missing', f.missing, 'rows');
      report.record(bench, 'rows_wrongly_valued', f.wronglyValued, 'rows');
      report.record(
        bench,
        'rows_stored',
        f.rowsStored,
        'rows',
        name === 'first-load' ? `${outcome.lines} lines` : 'rows posted in this phase',
      );
      report.record(bench, 'posts', f.posts, 'count');
      report.record(bench, 'throttled_429', f.throttled, 'count');
      report.record(bench, 'cpu_time', f.cpuMs, 'ms', 'contender process(es), simulators excluded');
      if (f.settleWaitMs !== undefined)
        report.record(
          bench,
          'settle_wait',
          f.settleWaitMs,
          'ms',
          'waiting for nothing but ambiguous batches to settle (verification.settleMs + recheckMs)',
        );
      // A first load's killed process reports nothing: records read are shown for the one-process re-syncs.
      if (f.recordsRead !== undefined && name !== 'first-load')
        report.record(
          bench,
          'records_read',
          f.recordsRead,
          'count',
          name === 'changed-1pct-resync' ? `${outcome.touched} entries revised` : undefined,
        );
    }
  }
  for (const [name, sdkPhase] of Object.entries(sdk.phases)) {
    const naivePhase = naive.phases[name];
    if (!naivePhase) continue;
    report.record(
      `versus-sdk-${name}`,
      'wall_vs_naive',
      sdkPhase.wallMs / naivePhase.wallMs,
      'ratio',
      name === 'first-load'
        ? 'goal ≤ 1; the naive script never verifies what a lost answer did (see settle_wait)'
        : 'goal ≤ 1',
    );
    if (name === 'first-load' && sdkPhase.settleWaitMs !== undefined)
      report.record(
        `versus-sdk-${name}`,
        'wall_without_settle_vs_naive',
        (sdkPhase.wallMs - sdkPhase.settleWaitMs) / naivePhase.wallMs,
        'ratio',
        'the same, less the settle wait',
      );
  }
  for (const [name, f] of Object.entries(sdk.phases)) {
    check(f.duplicated === 0, `sdk ${name}: ${f.duplicated} rows duplicated`);
    check(f.missing === 0, `sdk ${name}: ${f.missing} lines missing`);
    check(
      f.wronglyValued === 0,
      `sdk ${name}: ${f.wronglyValued} lines wrongly valued, first ${f.firstWrong}`,
    );
  }
  check(sdk.phases['unchanged-resync']?.rowsStored === 0, 'the SDK re-posted rows on an unchanged re-sync');
  // The revisions must be visible to the SDK's re-sync (stamped before its safety lag), or the phase measures nothing.
  check(
    (sdk.phases['changed-1pct-resync']?.recordsRead ?? 0) >= sdk.touched,
    `the SDK's re-sync after the revision read ${sdk.phases['changed-1pct-resync']?.recordsRead} records, fewer than the ${sdk.touched} revised`,
  );
}
