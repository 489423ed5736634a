/**
 * One worker of the multi-worker example, started by main.ts as a child process (with an IPC channel). It runs
 * `sync.start()`: the six ready-made streams on a one-second schedule, over the PostgreSQL state store every worker
 * shares. The stream leases decide which worker runs a stream at a given moment; the others skip that tick.
 *
 * Input: the JSON `WorkerConfig` in `MLC_MULTI_WORKER` (env, so the simulator secrets never show in `ps`).
 * Output: messages to the parent (`WorkerMessage`). It stops gracefully on the parent's `'stop'` message.
 */
import { clientSecretCredential, createPowerBIClient } from '@mlc/powerbi-push-client';
import { basicAuth, createX3Client } from '@mlc/sage-x3-client';
import { createPostgresStateStore } from '@mlc/state-store-postgres';
import { createSync } from '@mlc/sync-engine';
import { x3Streams } from '@mlc/sync-engine/sage-x3';
import { createThrottleMeter, datasetForStreams, powerBISink } from '@mlc/sync-engine/powerbi';
import type { WorkerConfig, WorkerMessage } from './protocol.js';

const config = JSON.parse(process.env.MLC_MULTI_WORKER ?? 'null') as WorkerConfig | null;
if (!config || !process.send) {
  console.error('worker.ts is started by main.ts (it needs MLC_MULTI_WORKER and an IPC channel)');
  process.exit(64);
}
const send = (message: WorkerMessage) => process.send?.(message);

const x3 = createX3Client({
  baseUrl: config.x3.url,
  endpoint: config.x3.endpoint,
  transport: 'rest',
  auth: basicAuth({ user: config.x3.user, password: config.x3.password }),
  pageSize: 200,
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
});
// Every second (croner takes a seconds field): the workers compete for each stream's lease on every tick.
const everySecond = { schedule: { cron: '* * * * * *' } };
const streams = x3Streams(x3, {
  glAccounts: everySecond,
  glEntryLines: everySecond,
  suppliers: everySecond,
  purchaseOrders: everySecond,
  salesInvoices: everySecond,
  products: everySecond,
});
const store = createPostgresStateStore({
  connectionString: config.pgUrl,
  schema: config.schema,
  poolSize: 4,
});
const sync = createSync({
  store,
  sink: powerBISink(pbi, {
    dataset: datasetForStreams(config.datasetName, streams),
    datasetId: config.datasetId,
    throttleMeter: meter,
  }),
  streams,
  owner: `worker-${config.worker}:${process.pid}`,
  // A dead worker's leases expire after this; keep it above the longest batch (pacing + verification).
  leaseTtlMs: config.leaseTtlMs,
  defaults: {
    batchSize: config.batchSize,
    safetyLagMs: 1_000,
    verification: { settleMs: 1_000, recheckMs: 300, maxReads: 10 },
  },
});

sync.on('run-started', (e) => send({ type: 'run-started', stream: e.stream, runId: e.runId }));
sync.on('run-finished', (e) =>
  send({
    type: 'run-finished',
    stream: e.stream,
    runId: e.runId,
    rowsPosted: e.result.rowsPosted,
    intentsResolved: e.result.intentsResolved,
    rebuilt: e.result.rebuilt,
  }),
);
sync.on('run-failed', (e) =>
  send({
    type: 'run-failed',
    stream: e.stream,
    error: e.error instanceof Error ? `${e.error.name}: ${e.error.message}` : String(e.error),
  }),
);
sync.on('run-skipped', (e) => send({ type: 'run-skipped', stream: e.stream, reason: e.reason }));
sync.on('batch-committed', (e) => send({ type: 'batch-committed', stream: e.stream, rows: e.rows }));
sync.on('batch-verified', (e) =>
  send({
    type: 'batch-verified',
    stream: e.stream,
    decision: e.decision,
    counted: e.counted,
    expected: e.expected,
  }),
);

process.on('message', (message) => {
  if (message !== 'stop') return;
  void sync
    .stop()
    .then(() => sync.close())
    .finally(() => process.exit(0));
});

await sync.ready();
sync.start();
send({ type: 'ready' });
