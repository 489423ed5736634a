/**
 * Both simulators (in a worker thread, system clock) and the real clients, wired to one stream and a state
 * store: the set-up of the end-to-end benchmarks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientSecretCredential, createPowerBIClient } from '@mlc/powerbi-push-client';
import { basicAuth, createX3Client } from '@mlc/sage-x3-client';
// The SQLite store depends on this package, so this package cannot depend on it (a workspace cycle): the bench
// loads its source by path instead. Dev-only; nothing published imports it.
import { createSqliteStateStore } from '@mlc/state-store-sqlite';
import {
  type WorkerSimulators,
  startSimulatorsInWorker,
} from '../../testkit/bench/start-simulators-in-worker.mjs';
import {
  createMemoryStateStorage,
  createSync,
  MemoryStateStore,
  type StateStore,
  type StreamDefaults,
  type StreamRunResult,
  type Sync,
} from '@mlc/sync-engine';
import { x3Streams } from '@mlc/sync-engine/sage-x3';
import { createThrottleMeter, datasetForStreams, powerBISink } from '@mlc/sync-engine/powerbi';

/** Which state store backs the run. */
export type StoreKind = 'memory' | 'sqlite';

/** What a benchmark syncs: GL entry lines (≈ 4 rows per record) or GL accounts in append mode (1 row). */
export type LoopStream = 'glEntryLines' | 'glAccounts';

/** Time compression of the Power BI quota windows (simulator and pacer alike). */
const TIME_SCALE = 3600;

const NO_OTHER_ENTITIES = {
  account: 1,
  journalEntry: 1,
  supplier: 1,
  product: 1,
  purchaseOrder: 1,
  salesInvoice: 1,
} as const;

/** A running loop. */
export interface SyncLoop {
  sims: WorkerSimulators;
  store: StateStore;
  /** A new engine over the same store and sink; `defaults` e.g. `{ lookbackMs }` for a full re-read. */
  sync(defaults?: StreamDefaults): Sync;
  close(): Promise<void>;
}

/** Starts simulators holding `records` records of the stream's entity and a fresh store of `storeKind`. */
export async function startSyncLoop(options: {
  stream: LoopStream;
  records: number;
  storeKind: StoreKind;
}): Promise<SyncLoop> {
  const entity = options.stream === 'glEntryLines' ? 'journalEntry' : 'account';
  const sims = await startSimulatorsInWorker({
    x3: { seed: 9, size: { ...NO_OTHER_ENTITIES, [entity]: options.records }, maxPageSize: 1000 },
    pbi: { seed: 9, timeScale: TIME_SCALE },
  });
  const x3sim = sims.x3!;
  const pbisim = sims.pbi!;
  const x3 = createX3Client({
    baseUrl: x3sim.url,
    endpoint: x3sim.endpoint,
    transport: 'rest',
    auth: basicAuth(x3sim.basic),
  });
  const meter = createThrottleMeter();
  const pbi = createPowerBIClient({
    credential: clientSecretCredential({
      tenantId: pbisim.tenantId,
      clientId: pbisim.clientId,
      clientSecret: pbisim.clientSecret,
    }),
    groupId: pbisim.groupId,
    apiBase: pbisim.url,
    authorityHost: pbisim.authorityHost,
    onThrottle: meter.onThrottle,
    pacing: { timeScale: TIME_SCALE },
  });
  const off = {
    glAccounts: false,
    glEntryLines: false,
    suppliers: false,
    purchaseOrders: false,
    salesInvoices: false,
    products: false,
  } as const;
  const streams = x3Streams(x3, {
    ...off,
    // Append mode for accounts too: `replace` keeps a snapshot of every row in the store by design.
    [options.stream]: { mode: 'append', pageSize: 1000, batchSize: 10_000 },
  });
  const sink = powerBISink(pbi, { dataset: datasetForStreams('Bench', streams), throttleMeter: meter });
  const dir = options.storeKind === 'sqlite' ? mkdtempSync(join(tmpdir(), 'mlc-bench-')) : undefined;
  const storage = createMemoryStateStorage();
  const store: StateStore = dir
    ? createSqliteStateStore({ path: join(dir, 'state.sqlite') })
    : new MemoryStateStore({ storage });
  const syncs: Sync[] = [];
  return {
    sims,
    store,
    sync: (defaults = {}) => {
      const sync = createSync({ store, sink, streams, defaults });
      syncs.push(sync);
      return sync;
    },
    close: async () => {
      // Every engine shares the store; closing one closes it.
      await syncs[0]?.close();
      await sims.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Re-reading everything from the beginning: a lookback longer than the simulators' history. */
export const FULL_LOOKBACK_MS = 20 * 365 * 86_400_000;

/** Runs the loop's single stream once and returns its result; a stream failure fails the benchmark. */
export async function runOnce(sync: Sync): Promise<StreamRunResult> {
  const [result] = await sync.run();
  if (!result) throw new Error('the sync ran no stream');
  if ('error' in result) throw result.error;
  return result;
}
