import { TestClock } from '@mlc/core';
import { clientSecretCredential, createPowerBIClient, type PowerBIClient } from '@mlc/powerbi-push-client';
import { basicAuth, createX3Client, type X3Client, type X3EntityMap } from '@mlc/sage-x3-client';
import {
  type PowerBISimulator,
  type SageX3Simulator,
  type SageX3SimulatorOptions,
  startPowerBISimulator,
  startSageX3Simulator,
} from '@mlc/testkit';
import {
  createMemoryStateStorage,
  createSync,
  MemoryStateStore,
  type MemoryStateStorage,
  type StreamDefinition,
  type Sync,
  type SyncOptions,
  type SyncSink,
} from '../src/index.js';
import { x3Streams, type X3StreamsOptions } from '../src/sage-x3.js';
import { createThrottleMeter, datasetForStreams, powerBISink } from '../src/powerbi.js';

/** Both simulators on loopback with one test clock, the two real clients, a memory store. */
export interface Loop {
  clock: TestClock;
  x3sim: SageX3Simulator;
  pbisim: PowerBISimulator;
  x3: X3Client<X3EntityMap<Record<never, never>>>;
  pbi: PowerBIClient;
  storage: MemoryStateStorage;
  streams: StreamDefinition<unknown>[];
  sink: SyncSink;
  /** A new engine over the same store and sink (a restart). */
  sync(over?: Partial<SyncOptions>): Sync;
  /** Rows of a table in the Power BI simulator (all of them, visible or not). */
  rows(table: string): Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/** Starts the loop. */
export async function startLoop(
  options: { x3?: SageX3SimulatorOptions; streams?: X3StreamsOptions; transport?: 'rest' | 'graphql' } = {},
): Promise<Loop> {
  const clock = new TestClock('2024-06-01T00:00:00Z');
  const x3sim = await startSageX3Simulator({
    seed: 11,
    size: 'tiny',
    history: { from: '2024-01-01T00:00:00Z', to: '2024-05-01T00:00:00Z' },
    clock,
    ...options.x3,
  });
  const pbisim = await startPowerBISimulator({ clock });
  const x3 = createX3Client({
    baseUrl: x3sim.url,
    endpoint: x3sim.endpoint,
    transport: options.transport ?? 'rest',
    auth: basicAuth(x3sim.credentials.basic),
    pageSize: 25,
    clock,
  });
  const meter = createThrottleMeter();
  const pbi = createPowerBIClient({
    credential: clientSecretCredential({
      tenantId: pbisim.tenantId,
      clientId: pbisim.clientId,
      clientSecret: pbisim.clientSecret ?? '',
    }),
    groupId: pbisim.groupId,
    apiBase: pbisim.url,
    authorityHost: pbisim.authorityHost,
    clock,
    onThrottle: meter.onThrottle,
  });
  const streams = x3Streams(x3, options.streams ?? {});
  const sink = powerBISink(pbi, { dataset: datasetForStreams('Sage X3 e2e', streams), throttleMeter: meter });
  const storage = createMemoryStateStorage();
  const datasetId = () => pbisim.control.datasets()[0]?.id ?? '';
  return {
    clock,
    x3sim,
    pbisim,
    x3,
    pbi,
    storage,
    streams,
    sink,
    sync: (over = {}) =>
      createSync({
        store: new MemoryStateStore({ storage, clock }),
        sink,
        clock,
        streams,
        defaults: {
          batchSize: 40,
          safetyLagMs: 60_000,
          verification: { settleMs: 10_000, recheckMs: 2_000, maxReads: 20 },
        },
        ...over,
      }),
    rows: (table) => (datasetId() ? pbisim.control.rows(datasetId(), table) : []),
    close: async () => {
      await Promise.allSettled([x3sim.close(), pbisim.close()]);
    },
  };
}

/** How often each value of `column` appears. */
export function countBy(
  rows: Array<Record<string, unknown>>,
  column: string | ((r: Record<string, unknown>) => string),
): Map<string, number> {
  const out = new Map<string, number>();
  for (const row of rows) {
    const key = typeof column === 'string' ? String(row[column]) : column(row);
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

/** Stream options that turn every built-in X3 stream off but `names` (which keep their defaults). */
export function onlyStreams(...names: Array<keyof X3StreamsOptions>): X3StreamsOptions {
  const all: Array<keyof X3StreamsOptions> = [
    'glAccounts',
    'glEntryLines',
    'suppliers',
    'purchaseOrders',
    'salesInvoices',
    'products',
  ];
  return Object.fromEntries(all.filter((name) => !names.includes(name)).map((name) => [name, false]));
}
