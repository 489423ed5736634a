import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMonotonic } from '@mlc/core';
import { createSqliteStateStore } from '@mlc/state-store-sqlite';
import { type PowerBISimulator, startPowerBISimulator } from '@mlc/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { PG_URL, describeWithPostgres, freshSchema } from './fixtures/pg-env.js';
import type { FenceWorkerConfig, FenceWorkerLine } from './fixtures/fence-worker.js';
import { powerBIConnectionOf } from './fixtures/simulator-connection.js';

// Exactly-once across worker processes that share one SQL state store: a worker stopped (SIGSTOP) right before
// a POST until its lease has run out and another worker has taken the stream over must not send that POST when
// it resumes; a worker waiting out a 429 longer than its lease keeps the lease (heartbeat). Real processes, the
// real clock, the Power BI simulator in this process; SQLite on a file and PostgreSQL (skipped when absent,
// never under CI).

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');
const TSX_CLI = join(ROOT, 'node_modules/tsx/dist/cli.mjs');
const WORKER = join(HERE, 'fixtures/fence-worker.ts');

/** Timing of the fencing argument, scaled down: L = 3 s, R = 0.5 s, T = 1 s (L ≥ 2R + T), S = 1 s. */
const TIMING = {
  leaseTtlMs: 3_000,
  leaseRenewIntervalMs: 500,
  requestTimeoutMs: 1_000,
  verification: { settleMs: 1_000, recheckMs: 300, maxReads: 20 },
};
const RECORDS = 120;

let sim: PowerBISimulator | undefined;
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGCONT');
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }
  }
  await sim?.close();
  sim = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Worker {
  child: ChildProcess;
  lines: FenceWorkerLine[];
  /** Resolves with the first line of this type. */
  next(type: FenceWorkerLine['type']): Promise<FenceWorkerLine>;
  exited: Promise<number | null>;
}

function startWorker(config: FenceWorkerConfig): Worker {
  // detached: the worker leads its own process group, so SIGSTOP reaches tsx and the node process it runs.
  const child = spawn(process.execPath, [TSX_CLI, '--conditions=@mlc/source', WORKER], {
    cwd: ROOT,
    detached: true,
    env: { ...process.env, MLC_FENCE_WORKER: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: FenceWorkerLine[] = [];
  const waiters: Array<{ type: string; resolve: (line: FenceWorkerLine) => void }> = [];
  let buffer = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const text = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (!text.startsWith('{')) continue;
      const line = JSON.parse(text) as FenceWorkerLine;
      lines.push(line);
      for (const waiter of waiters.filter((w) => w.type === line.type)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  const exited = new Promise<number | null>((resolveExit) => {
    child.on('exit', (code) => {
      if (code !== 0 && code !== 2 && config.dieAtStep === undefined)
        console.error(`fence worker ${config.owner} exited ${code}:\n${stderr}`);
      resolveExit(code);
    });
  });
  return {
    child,
    lines,
    exited,
    next: (type) => {
      const seen = lines.find((line) => line.type === type);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolveLine, reject) => {
        waiters.push({ type, resolve: resolveLine });
        void exited.then((code) =>
          reject(new Error(`worker exited (${code}) before a ${type} line:\n${stderr}`)),
        );
      });
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type StoreKind = 'sqlite' | 'postgres';

async function setup(kind: StoreKind) {
  sim = await startPowerBISimulator({});
  const dir = mkdtempSync(join(tmpdir(), 'mlc-fence-'));
  dirs.push(dir);
  const schema = freshSchema('fence');
  const store: FenceWorkerConfig['store'] =
    kind === 'sqlite' ? { kind, path: join(dir, 'state.db') } : { kind, url: PG_URL, schema };
  const s = sim;
  const base = (owner: string): FenceWorkerConfig => ({
    store,
    pbi: powerBIConnectionOf(s),
    datasetName: 'Fencing',
    owner,
    records: RECORDS,
    batchSize: 20,
    ...TIMING,
  });
  const rows = () => {
    const dataset = s.control.datasets()[0];
    return dataset ? s.control.rows(dataset.id, 'Orders') : [];
  };
  return { sim: s, base, rows };
}

function expectExactlyOnce(rows: Array<Record<string, unknown>>, records = RECORDS): void {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(String(row.key), (counts.get(String(row.key)) ?? 0) + 1);
  const twice = [...counts].filter(([, n]) => n > 1).map(([key]) => key);
  expect(twice).toEqual([]);
  expect(counts.size).toBe(records);
}

function suite(kind: StoreKind) {
  it(`${kind}: a worker stopped right before a POST until another took over does not send it when resumed`, async () => {
    const { base, rows } = await setup(kind);
    // A stops itself at that step (SIGSTOP from its own hook): a SIGSTOP sent from here could catch it inside a lease
    // heartbeat's SQLite write transaction on a loaded machine, and a process stopped holding SQLite's write lock
    // blocks every other worker.
    const a = startWorker({ ...base('worker-a'), announceBeforePost: 3 });
    await a.next('before-post');
    // Stopped between its intent and its POST, for longer than its lease.
    await sleep(TIMING.leaseTtlMs + 1_000);
    const b = startWorker(base('worker-b'));
    await b.exited;
    expect(b.lines.at(-1), JSON.stringify(b.lines)).toMatchObject({ type: 'result', status: 'completed' });
    // B verified A's open intent (zero, twice, after its settle time), resent it and finished the stream.
    expectExactlyOnce(rows());
    const postsBefore = sim!.control.requests({ route: 'postRows' }).length;
    process.kill(-a.child.pid!, 'SIGCONT');
    expect(await a.exited).toBe(2);
    expect(a.lines.at(-1)).toMatchObject({ type: 'result', code: 'SYNC_LEASE_LOST' });
    // Resumed, A sent nothing: no POST after B finished, and still every order exactly once.
    expect(sim!.control.requests({ route: 'postRows' }).length).toBe(postsBefore);
    expectExactlyOnce(rows());
  }, 120_000);

  it(`${kind}: a 429 whose Retry-After outlasts the lease keeps the lease; the other worker is turned away`, async () => {
    const { sim: s, base, rows } = await setup(kind);
    // The second POST rows request is throttled for 15 s: far longer than the 3 s lease.
    s.control.addFault({ kind: 'throttle', routes: ['postRows'], retryAfterSeconds: 15, after: 1, times: 1 });
    const a = startWorker(base('worker-a'));
    const deadline = Date.now() + 60_000;
    while (!s.control.requests({ route: 'postRows' }).some((r) => r.status === 429)) {
      if (Date.now() > deadline) throw new Error('no 429 seen');
      await sleep(50);
    }
    // Past A's lease TTL, while A waits out the Retry-After: B must find the lease held.
    await sleep(TIMING.leaseTtlMs + 500);
    const b = startWorker(base('worker-b'));
    await b.exited;
    expect(b.lines.at(-1)).toMatchObject({ type: 'result', status: 'skipped' });
    await a.exited;
    expect(a.lines.at(-1)).toMatchObject({ type: 'result', status: 'completed' });
    expectExactlyOnce(rows());
  }, 120_000);
}

describe('fencing across worker processes (SQLite store on a file)', () => suite('sqlite'));

describe('a takeover on the same machine (SQLite store on a file)', () => {
  it('a worker killed after its POST was answered: the restart counts the settle time from that answer', async () => {
    const { sim: s, base, rows } = await setup('sqlite');
    const verification = { settleMs: 6_000, recheckMs: 300, maxReads: 20 };
    const DOWN_MS = 5_000;
    // One batch of 20 orders; its first POST is answered 503 (nothing applied: the outcome is unknown to the client).
    s.control.addFault({ kind: 'status', status: 503, routes: ['postRows'], times: 1 });
    const config = { ...base('worker-a'), records: 20, batchSize: 20, verification };
    const a = startWorker({ ...config, dieAtStep: 'verify-count' });
    // Killed by SIGKILL: tsx, which runs the worker in a child process, exits 128 + 9.
    expect(await a.exited).toBe(137);
    // What A left in the store: the answer of attempt 1, on this machine's monotonic clock.
    const path = config.store.kind === 'sqlite' ? config.store.path : '';
    const store = createSqliteStateStore({ path });
    await store.open();
    const [open] = await store.listOpenBatches('orders');
    await store.close();
    expect(open).toMatchObject({ attempts: 1, answeredAttempt: 1 });
    expect(open?.answeredOn?.clock).toBe(readMonotonic()?.clock);
    await sleep(DOWN_MS);
    const b = startWorker(config);
    await b.exited;
    expect(b.lines.at(-1), JSON.stringify(b.lines)).toMatchObject({ type: 'result', status: 'completed' });
    const dataset = s.control.datasets()[0];
    expectExactlyOnce(dataset ? s.control.rows(dataset.id, 'Orders') : [], 20);
    const posts = s.control.requests({ route: 'postRows' });
    expect(posts.map((p) => p.status)).toEqual([503, 200]);
    const [answered, resent] = posts;
    const sinceAnswer = (resent?.at ?? Number.NaN) - (answered?.finishedAt ?? Number.NaN);
    // Never before the settle time and a second read after the answer (the protocol's promise)…
    expect(sinceAnswer).toBeGreaterThanOrEqual(verification.settleMs + verification.recheckMs);
    // …and B did not count the settle time from its own start, which came DOWN_MS after the answer.
    expect(sinceAnswer).toBeLessThan(verification.settleMs + DOWN_MS);
    expect(rows()).toHaveLength(20);
  }, 120_000);
});

describeWithPostgres('fencing across worker processes (PostgreSQL store)', () => suite('postgres'));
