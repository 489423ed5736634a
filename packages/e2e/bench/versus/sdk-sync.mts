/**
 * The SDK side of the side-by-side benchmark (versus.bench.mts) and the CPU-per-million-rows benchmark: one
 * process that syncs the GL entry lines stream once with the SQLite store, composed the way the root README shows,
 * then exits. The parent may SIGKILL it and start it again on the same store file.
 *
 * Input: JSON {@link SdkSyncConfig} in `MLC_SDK_CONFIG`. Output: one JSON line on stdout at the end
 * ({@link SdkSyncResult}); exit code 2 when the stream did not complete.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { clientSecretCredential, createPowerBIClient } from '@mlc/powerbi-push-client';
import { basicAuth, createX3Client } from '@mlc/sage-x3-client';
import { createSqliteStateStore } from '@mlc/state-store-sqlite';
import { createSync } from '@mlc/sync-engine';
import { x3Streams } from '@mlc/sync-engine/sage-x3';
import { createThrottleMeter, datasetForStreams, powerBISink } from '@mlc/sync-engine/powerbi';
import type { SdkSyncConfig, SdkSyncResult } from './versus-protocol.mjs';

const config = JSON.parse(process.env.MLC_SDK_CONFIG ?? 'null') as SdkSyncConfig;
// Modules are loaded: tell the benchmark, which leaves process start-up out of the wall time.
process.stdout.write('{"ready":true}\n');

const x3 = createX3Client({
  baseUrl: config.x3.url,
  endpoint: config.x3.endpoint,
  transport: config.transport,
  auth: basicAuth({ user: config.x3.user, password: config.x3.password }),
});
const meter = createThrottleMeter();
const pbi = createPowerBIClient({
  credential: clientSecretCredential({
    tenantId: config.pbi.tenantId,
    clientId: config.pbi.clientId,
    clientSecret: config.pbi.clientSecret,
  }),
  groupId: config.pbi.groupId,
  apiBase: config.pbi.url,
  authorityHost: config.pbi.authorityHost,
  onThrottle: meter.onThrottle,
  pacing: { timeScale: config.timeScale },
});
const off = {
  glAccounts: false,
  suppliers: false,
  purchaseOrders: false,
  salesInvoices: false,
  products: false,
} as const;
const streams = x3Streams(x3, { ...off, glEntryLines: { pageSize: 1000, batchSize: 10_000 } });
const sync = createSync({
  store: createSqliteStateStore({ path: config.dbPath }),
  sink: powerBISink(pbi, { dataset: datasetForStreams(config.datasetName, streams), throttleMeter: meter }),
  streams,
  // A restarted service keeps its owner id, so it takes its own lease over at once instead of waiting it out.
  owner: 'versus-bench',
  defaults: config.lookbackMs === undefined ? {} : { lookbackMs: config.lookbackMs },
});

// Where a run spends its time, on stderr: `MLC_SDK_TRACE=1` when investigating a slow phase. Milliseconds since
// the modules were loaded (the ready line): the engine's events, then when `run()` returned and `close()` ended.
const t0 = performance.now();
const trace = process.env.MLC_SDK_TRACE
  ? (name: string) => (event: object) =>
      process.stderr.write(
        `${Math.round(performance.now() - t0)} ms ${name} ${JSON.stringify(event).slice(0, 300)}\n`,
      )
  : undefined;
if (trace) {
  for (const name of [
    'run-started',
    'run-finished',
    'batch-posted',
    'batch-committed',
    'batch-verified',
  ] as const)
    sync.on(name, trace(name));
}

// `MLC_SDK_CPU_PROF=<directory>`: a V8 CPU profile of `sync.run()` alone per process, named after the transport and
// the kind of run (open it in Chrome DevTools or speedscope), for docs/benchmarks.md's "where the CPU time goes".
/** The file for one kind of profile of this process when `dir` is set (created): `<transport>-<run|reread>-<pid>.<ext>`. */
function profileFile(dir: string | undefined, extension: string): string | undefined {
  if (!dir) return undefined;
  mkdirSync(dir, { recursive: true });
  const kind = config.lookbackMs === undefined ? 'run' : 'reread';
  return join(dir, `${config.transport}-${kind}-${process.pid}.${extension}`);
}
const profilePath = profileFile(process.env.MLC_SDK_CPU_PROF, 'cpuprofile');
const profiler = profilePath ? new Session() : undefined;
if (profiler) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}
// `MLC_SDK_HEAP_PROF=<directory>`: a sampling allocation profile of `sync.run()` alone (every ~32 KB allocated is
// sampled with its stack, kept or not), for finding what allocates: a quarter to two fifths of the process's CPU is
// V8's collector and compiler threads, which a CPU profile of the main thread does not show. Not timing-sensitive,
// so it can be taken on a busy machine. Both kinds are summed by `node packages/e2e/bench/profile-summary.mjs <file>`.
const heapProfilePath = profileFile(process.env.MLC_SDK_HEAP_PROF, 'heapprofile');
const heapProfiler = heapProfilePath ? new Session() : undefined;
if (heapProfiler) {
  heapProfiler.connect();
  // Objects a scavenge or a full collection freed stay in the profile: it counts what was allocated.
  await heapProfiler.post('HeapProfiler.startSampling', {
    samplingInterval: 32_768,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
}
const cpuStart = process.cpuUsage();
const [result] = await sync.run();
const cpu = process.cpuUsage(cpuStart);
trace?.('run-returned')({});
if (profiler && profilePath) {
  const { profile } = await profiler.post('Profiler.stop');
  writeFileSync(profilePath, JSON.stringify(profile));
  profiler.disconnect();
}
if (heapProfiler && heapProfilePath) {
  const { profile } = await heapProfiler.post('HeapProfiler.stopSampling');
  writeFileSync(heapProfilePath, JSON.stringify(profile));
  heapProfiler.disconnect();
}
await sync.close();
trace?.('closed')({});
const line: SdkSyncResult =
  !result || 'error' in result
    ? { status: 'failed', error: String(result && 'error' in result ? result.error : 'no stream ran') }
    : {
        status: result.status,
        recordsRead: result.recordsRead,
        recordsUnchanged: result.recordsUnchanged,
        rowsPosted: result.rowsPosted,
        settleWaitMs: result.settleWaitMs,
      };
process.stdout.write(`${JSON.stringify({ ...line, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
process.exitCode = line.status === 'completed' ? 0 : 2;
