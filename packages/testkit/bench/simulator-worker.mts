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
import type {
  GlLinesCheck,
  PostStats,
  SimulatorInfo,
  WorkerRequest,
  WorkerResponse,
} from './simulator-protocol.mjs';

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
    case 'pbi.setFaults':
      pbi?.control.setFaults(request.rules);
      return null;
    case 'pbi.clearFaults':
      pbi?.control.clearFaults();
      return null;
    case 'x3.touch': {
      if (!x3) return 0;
      const keys: string[] = [];
      let i = 0;
      let newest = 0;
      for (const record of x3.control.records(request.entity)) {
        if (i >= request.offset && (i - request.offset) % request.every === 0) keys.push(record.key);
        newest = Math.max(newest, Date.parse(record.updatedAt));
        i++;
      }
      // Stamped two minutes ago (and after every record): a revision stamped "now" would sit inside a reader's
      // safety lag (the SDK reads up to one minute behind now) and the next re-sync would not even see it.
      const at = Math.max(newest + 1000, Math.floor((Date.now() - 120_000) / 1000) * 1000);
      for (const key of keys)
        x3.control.update(request.entity, key, {
          values: { description: `Revised ${key}` },
          at: new Date(at).toISOString(),
        });
      return keys.length;
    }
    case 'check.glLines':
      return checkGlLines(request.table);
    case 'x3.count':
      return x3 ? x3.control.count(request.entity) : 0;
    case 'x3.lineCount':
      return x3 ? x3.control.lineCount(request.entity) : 0;
  }
}

const lineKey = (entryNumber: unknown, lineNumber: unknown): string =>
  `${String(entryNumber)}#${Number(lineNumber)}`;

/**
 * Account, sign and amounts as one comparable text (amounts as numbers: `12.5` and `"12.50"` are one value). The
 * simulator's canonical account is a reference `CHART~ACCOUNT`; REST and GraphQL show the account code alone.
 */
const lineValue = (account: unknown, sign: unknown, amounts: unknown[]): string =>
  [String(account).split('~').pop(), Number(sign), ...amounts.map((amount) => Number(amount))].join('|');

function checkGlLines(table: string): GlLinesCheck {
  const expected = new Map<string, string>();
  for (const entry of x3?.control.records('journalEntry') ?? []) {
    for (const line of entry.lines ?? []) {
      expected.set(
        lineKey(entry.key, line.lineNumber),
        lineValue(line.account, line.sign, [line.transactionAmount, line.ledgerAmount]),
      );
    }
  }
  const seen = new Map<string, number>();
  const wrong = new Set<string>();
  let firstWrong: GlLinesCheck['firstWrong'];
  let stored = 0;
  for (const dataset of pbi?.control.datasets() ?? []) {
    if (!dataset.tables.some((t) => t.name === table)) continue;
    for (const row of pbi?.control.rows(dataset.id, table) ?? []) {
      stored++;
      const key = lineKey(row.entryNumber, row.lineNumber);
      seen.set(key, (seen.get(key) ?? 0) + 1);
      const want = expected.get(key);
      const got = lineValue(row.account, row.sign, [row.transactionAmount, row.ledgerAmount]);
      if (want !== undefined && want !== got) {
        wrong.add(key);
        firstWrong ??= { line: key, expected: want, stored: got };
      }
    }
  }
  let duplicated = 0;
  let missing = 0;
  for (const key of expected.keys()) {
    const count = seen.get(key) ?? 0;
    if (count === 0) missing++;
    else duplicated += count - 1;
  }
  return {
    expected: expected.size,
    stored,
    duplicated,
    missing,
    wronglyValued: wrong.size,
    ...(firstWrong ? { firstWrong } : {}),
  };
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
