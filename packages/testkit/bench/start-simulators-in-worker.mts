/**
 * Starts the Sage X3 and/or Power BI simulators in a worker thread (see `simulator-worker.mts`) on the system
 * clock, and gives the benchmark their addresses plus a few read-only probes.
 */
import { Worker } from 'node:worker_threads';
import type {
  PowerBIFaultRule,
  PowerBISimulatorOptions,
  SageX3EntityName,
  SageX3SimulatorOptions,
} from '../src/index.js';
import type {
  GlLinesCheck,
  PostStats,
  SimulatorInfo,
  WorkerRequest,
  WorkerResponse,
} from './simulator-protocol.mjs';

/** Simulators running in a worker thread. */
export interface WorkerSimulators extends SimulatorInfo {
  /** POST rows requests by status since the start (or the last `clearRequests`). */
  postStats(): Promise<PostStats>;
  /** Rows stored in every table of every dataset. */
  rowCount(): Promise<number>;
  /** Empties the Power BI request log. */
  clearRequests(): Promise<void>;
  /** Replaces the Power BI simulator's fault rules. */
  setPowerBIFaults(rules: PowerBIFaultRule[]): Promise<void>;
  /** Turns every Power BI fault off. */
  clearPowerBIFaults(): Promise<void>;
  /**
   * Revises every `every`-th record of a Sage X3 entity (key order, from the `offset`-th): a new description and
   * a new stamp, so an incremental reader sees it as changed. Returns how many were revised.
   */
  touchX3(entity: SageX3EntityName, every: number, offset?: number): Promise<number>;
  /** Compares the Power BI tables named `table` with Sage X3's journal entry lines. */
  checkGlLines(table: string): Promise<GlLinesCheck>;
  /** Records of a Sage X3 entity. */
  x3Count(entity: SageX3EntityName): Promise<number>;
  /** Lines of a Sage X3 entity (journal entries, orders, invoices). */
  x3LineCount(entity: SageX3EntityName): Promise<number>;
  /** Stops the servers and the worker. */
  close(): Promise<void>;
}

/** A request without its id (distributes over the union, so `entity` stays). */
type RequestBody = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/** Options: the simulators' own options minus `clock` (they run on the system clock). */
export async function startSimulatorsInWorker(options: {
  x3?: Omit<SageX3SimulatorOptions, 'clock'>;
  pbi?: Omit<PowerBISimulatorOptions, 'clock'>;
}): Promise<WorkerSimulators> {
  // The worker inherits node's flags, tsx's loader and `--conditions=@mlc/source` included.
  const worker = new Worker(new URL('./simulator-worker-boot.mjs', import.meta.url), { workerData: options });
  const pending = new Map<number, Pending>();
  let nextId = 1;
  worker.on('message', (response: WorkerResponse) => {
    const waiter = pending.get(response.id);
    if (!waiter) return;
    pending.delete(response.id);
    if (response.ok) waiter.resolve(response.value);
    else waiter.reject(new Error(response.error));
  });
  worker.on('error', (error) => {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  });
  const call = <T,>(request: RequestBody): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ ...request, id });
    });
  const info = await new Promise<SimulatorInfo>((resolve, reject) => {
    pending.set(0, { resolve: resolve as (value: unknown) => void, reject });
  });
  return {
    ...info,
    postStats: () => call<PostStats>({ op: 'pbi.postStats' }),
    rowCount: () => call<number>({ op: 'pbi.rowCount' }),
    clearRequests: () => call<void>({ op: 'pbi.clearRequests' }),
    setPowerBIFaults: (rules) => call<void>({ op: 'pbi.setFaults', rules }),
    clearPowerBIFaults: () => call<void>({ op: 'pbi.clearFaults' }),
    touchX3: (entity, every, offset = 0) => call<number>({ op: 'x3.touch', entity, every, offset }),
    checkGlLines: (table) => call<GlLinesCheck>({ op: 'check.glLines', table }),
    x3Count: (entity) => call<number>({ op: 'x3.count', entity }),
    x3LineCount: (entity) => call<number>({ op: 'x3.lineCount', entity }),
    close: async () => {
      await call<null>({ op: 'close' });
      await worker.terminate();
    },
  };
}
