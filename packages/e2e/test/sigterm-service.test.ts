import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { basicAuth, createX3Client } from '@mlc/sage-x3-client';
import { mapGlEntryLines } from '@mlc/sync-engine/sage-x3';
import {
  type PowerBISimulator,
  type SageX3Simulator,
  startPowerBISimulator,
  startSageX3Simulator,
} from '@mlc/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { checkAppend } from './fixtures/crash-campaign-lib.js';
import { PG_URL, describeWithPostgres, freshSchema } from './fixtures/pg-env.js';
import type { ServiceConfig, ServiceLine } from './fixtures/sigterm-service.js';

// A service written as the root README shows it (start(); SIGTERM → stop() then close()) is a real process over
// the SQLite or the PostgreSQL store (skipped when PostgreSQL is absent, never under CI), syncing the Sage X3
// simulator into the Power BI simulator, both in this process. It gets SIGTERM while a POST is in flight: it must
// end by itself (no pool, socket or timer left), and a restarted service must finish the sync with every Sage X3
// line in Power BI exactly once.

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');
const SERVICE = join(HERE, 'fixtures/sigterm-service.ts');
const DATASET = 'SIGTERM service';
const TABLE = 'GLEntryLines';

let sims: { x3: SageX3Simulator; pbi: PowerBISimulator } | undefined;
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  await Promise.allSettled([sims?.x3.close(), sims?.pbi.close()]);
  sims = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Service {
  child: ChildProcess;
  lines: ServiceLine[];
  stderr: () => string;
  /** Resolves with the first line matching. */
  next(match: (line: ServiceLine) => boolean, what: string): Promise<ServiceLine>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startService(config: ServiceConfig): Service {
  // One process, no launcher in between: SIGTERM reaches the service itself, as under systemd or Kubernetes.
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@mlc/source', SERVICE], {
    cwd: ROOT,
    env: { ...process.env, MLC_SIGTERM_SERVICE: JSON.stringify(config), MLC_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: ServiceLine[] = [];
  const waiters: Array<{ match: (line: ServiceLine) => boolean; resolve: (line: ServiceLine) => void }> = [];
  let buffer = '';
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const text = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (!text.startsWith('{')) continue;
      const line = JSON.parse(text) as ServiceLine;
      lines.push(line);
      for (const waiter of waiters.filter((w) => w.match(line))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) => {
    child.on('exit', (code, signal) => resolveExit({ code, signal }));
  });
  return {
    child,
    lines,
    stderr: () => stderr,
    exited,
    next: (match, what) => {
      const seen = lines.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolveLine, reject) => {
        waiters.push({ match, resolve: resolveLine });
        void exited.then(({ code, signal }) =>
          reject(new Error(`service exited (${code ?? signal}) before ${what}:\n${stderr}`)),
        );
      });
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `ready` every 20 ms; fails with `what` after `ms` (a bound on a hang, not a speed claim). */
async function until(ready: () => boolean, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

type StoreKind = 'sqlite' | 'postgres';

async function setup(kind: StoreKind) {
  const x3 = await startSageX3Simulator({ seed: 11, size: { journalEntry: 25 } });
  // timeScale 60: the simulator's quota minute lasts a second, so small POSTs are never throttled.
  const pbi = await startPowerBISimulator({ seed: 11, timeScale: 60 });
  sims = { x3, pbi };
  const dir = mkdtempSync(join(tmpdir(), 'mlc-sigterm-'));
  dirs.push(dir);
  const schema = freshSchema('sigterm');
  const config: ServiceConfig = {
    store: kind === 'sqlite' ? { kind, path: join(dir, 'state.db') } : { kind, url: PG_URL, schema },
    x3: { url: x3.url, endpoint: x3.endpoint, ...x3.credentials.basic },
    pbi: {
      url: pbi.url,
      authorityHost: pbi.authorityHost,
      tenantId: pbi.tenantId,
      clientId: pbi.clientId,
      clientSecret: pbi.clientSecret ?? '',
      groupId: pbi.groupId,
    },
    datasetName: DATASET,
    batchSize: 10,
    stopTimeoutMs: 10_000,
  };
  const client = createX3Client({
    baseUrl: x3.url,
    endpoint: x3.endpoint,
    transport: 'rest',
    auth: basicAuth(x3.credentials.basic),
    pageSize: 200,
  });
  const expected: Array<Record<string, unknown>> = [];
  for await (const change of client.changes('journalEntry', { pageSize: 200 })) {
    if (change.ok) expected.push(...mapGlEntryLines(change.record));
  }
  const datasetId = () => pbi.control.datasets().find((d) => d.name === DATASET)?.id;
  const rows = () => {
    const id = datasetId();
    return id ? pbi.control.rows(id, TABLE) : [];
  };
  const posts = () => pbi.control.requests({ route: 'postRows' });
  return { x3, pbi, config, expected, rows, posts, datasetId };
}

/** SIGTERM while the `nth` POST is held in flight by the simulator; returns what the service printed. */
async function sigtermMidPost(
  env: Awaited<ReturnType<typeof setup>>,
  config: ServiceConfig,
  options: { nth: number; latencyMs: number },
) {
  env.pbi.control.addFault({
    kind: 'latency',
    routes: ['postRows'],
    latencyMs: options.latencyMs,
    after: options.nth - 1,
    times: 1,
  });
  const service = startService(config);
  // The held POST is pending in the simulator once nth − 1 POSTs have been answered and one more is pending.
  await until(() => {
    const id = env.datasetId();
    return (
      env.posts().length >= options.nth - 1 && id !== undefined && env.pbi.control.quota(id).pendingPosts > 0
    );
  }, `POST number ${options.nth} in flight`);
  service.child.kill('SIGTERM');
  const closed = await service.next((l) => l.type === 'closed', 'close() resolved');
  // close() resolved: nothing may keep the process alive now. The bound is a hang detector, not a speed claim.
  const exit = await Promise.race([service.exited, sleep(15_000).then(() => undefined)]);
  return { service, closed, exit };
}

function expectExactlyOnce(expected: Array<Record<string, unknown>>, actual: Array<Record<string, unknown>>) {
  const problems: string[] = [];
  checkAppend(TABLE, expected, actual, (r) => `${r.entryKey}/${r.lineNumber}`, problems);
  expect(problems).toEqual([]);
  expect(actual.length).toBe(expected.length);
}

/** Restarts the service on the same store, waits until every line is in Power BI, then stops it the same way. */
async function restartAndFinish(env: Awaited<ReturnType<typeof setup>>, config: ServiceConfig) {
  const second = startService(config);
  await until(() => env.rows().length >= env.expected.length, 'the restarted service to post every line');
  await second.next((l) => l.type === 'event' && l.name === 'run-finished', 'the restarted run to finish');
  second.child.kill('SIGTERM');
  expect(await second.next((l) => l.type === 'closed', 'close() resolved')).toEqual({
    type: 'closed',
    handles: [],
  });
  expect(await second.exited).toEqual({ code: 0, signal: null });
  expectExactlyOnce(env.expected, env.rows());
  return second;
}

function hungPostCase(kind: StoreKind) {
  it(`${kind}: SIGTERM while a POST hangs past the stop timeout: aborted, the process ends by itself, the restart verifies the intent and finishes exactly once`, async () => {
    const env = await setup(kind);
    // The stop gives up on the POST after 200 ms; the request timeout (T of the fencing argument) is 3 s, so the
    // restart trusts a zero count for the open intent only 3 s + settleMs after it took the stream over.
    const config: ServiceConfig = {
      ...env.config,
      stopTimeoutMs: 200,
      requestTimeoutMs: 3_000,
      verification: { settleMs: 500, recheckMs: 200, maxReads: 20 },
    };
    const first = await sigtermMidPost(env, config, { nth: 3, latencyMs: 2_500 });
    expect(first.closed).toEqual({ type: 'closed', handles: [] });
    expect(first.exit, `still alive after close():\n${first.service.stderr()}`).toEqual({
      code: 0,
      signal: null,
    });
    expect(env.rows().length).toBeLessThan(env.expected.length);

    const second = await restartAndFinish(env, config);
    // The aborted POST's intent was resolved by counting, never by a blind resend.
    expect(second.lines.some((l) => l.type === 'event' && l.name === 'batch-verified')).toBe(true);
  }, 120_000);
}

describe('a README service under SIGTERM (SQLite store on a file)', () => {
  it('sqlite: SIGTERM mid-POST (stop timeout 10 s as in the README): the POST finishes, the process ends by itself, a restart finishes the sync exactly once', async () => {
    const env = await setup('sqlite');
    const first = await sigtermMidPost(env, env.config, { nth: 3, latencyMs: 1_000 });
    expect(first.closed).toEqual({ type: 'closed', handles: [] });
    expect(first.exit, `still alive after close():\n${first.service.stderr()}`).toEqual({
      code: 0,
      signal: null,
    });
    // The POST in flight was answered and committed before the process ended: nothing is left open to verify.
    const held = env.posts()[2];
    expect(held?.outcome).toBe('ok');
    expect(env.rows().length).toBe(env.posts().reduce((n, r) => n + (r.applied ? (r.rowCount ?? 0) : 0), 0));
    expect(env.rows().length).toBeLessThan(env.expected.length);
    const second = await restartAndFinish(env, env.config);
    expect(second.lines.some((l) => l.type === 'event' && l.name === 'batch-verified')).toBe(false);
  }, 120_000);

  hungPostCase('sqlite');
});

describeWithPostgres('a README service under SIGTERM (PostgreSQL store)', () => hungPostCase('postgres'));
