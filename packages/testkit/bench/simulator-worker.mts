/**
 * Worker-thread side of {@link startSimulatorsInWorker}: runs the simulators in their own V8 isolate, so a
 * benchmark's heap numbers measure the SDK, not the rows the Power BI simulator stores or the pages the Sage X3
 * simulator builds, and the servers get their own thread like a remote service would.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  type PowerBISimulator,
  type PowerBISimulatorOptions,
  type SageX3Simulator,
  type SageX3SimulatorOptions,
  startPowerBISimulator,
  startSageX3Simulator,
} from '../src/index.js';
import type { PostStats, SimulatorInfo, WorkerRequest, WorkerResponse } from './simulator-protocol.mjs';

const port = parentPort;
if (!port) throw new Error('simulator-worker.mts runs only as a worker thread');
const options = workerData as {
  x3?: Omit<SageX3SimulatorOptions, 'clock'>;
  pbi?: Omit<PowerBISimulatorOptions, 'clock'>;
};

const x3: SageX3Simulator | undefined = options.x3 ? await startSageX3Simulator(options.x3) : undefined;
const pbi: PowerBISimulator | undefined = options.pbi ? await startPowerBISimulator(options.pbi) : undefined;

const info: SimulatorInfo = {
  ...(x3
    ? { x3: { url: x3.url, endpoint: x3.endpoint, graphqlUrl: x3.graphqlUrl, basic: x3.credentials.basic } }
    : {}),
  ...(pbi
    ? {
        pbi: {
          url: pbi.url,
          authorityHost: pbi.authorityHost,
          tenantId: pbi.tenantId,
          clientId: pbi.clientId,
          clientSecret: pbi.clientSecret ?? '',
          groupId: pbi.groupId,
        },
      }
    : {}),
};
port.postMessage({ id: 0, ok: true, value: info } satisfies WorkerResponse);

function answer(request: WorkerRequest): unknown {
  switch (request.op) {
    case 'pbi.postStats': {
      const posts = pbi?.control.requests({ route: 'postRows' }) ?? [];
      const byStatus: Record<string, number> = {};
      const throttleReasons: Record<string, number> = {};
      for (const entry of posts) {
        const status = String(entry.status ?? 'dropped');
        byStatus[status] = (byStatus[status] ?? 0) + 1;
        if (entry.status === 429) {
          const reason = entry.errorCode ?? 'unknown';
          throttleReasons[reason] = (throttleReasons[reason] ?? 0) + 1;
        }
      }
      return { posts: posts.length, byStatus, throttleReasons } satisfies PostStats;
    }
    case 'pbi.rowCount':
      return (pbi?.control.datasets() ?? []).reduce(
        (sum, dataset) => sum + dataset.tables.reduce((rows, table) => rows + table.rowCount, 0),
        0,
      );
    case 'pbi.clearRequests':
      pbi?.control.clearRequests();
      return null;
    case 'x3.count':
      return x3 ? x3.control.count(request.entity) : 0;
    case 'x3.lineCount':
      return x3 ? x3.control.lineCount(request.entity) : 0;
  }
}

port.on('message', async (request: WorkerRequest) => {
  if (request.op === 'close') {
    await Promise.allSettled([x3?.close(), pbi?.close()]);
    port.postMessage({ id: request.id, ok: true, value: null } satisfies WorkerResponse);
    port.close();
    return;
  }
  try {
    port.postMessage({ id: request.id, ok: true, value: answer(request) } satisfies WorkerResponse);
  } catch (error) {
    port.postMessage({ id: request.id, ok: false, error: String(error) } satisfies WorkerResponse);
  }
});
