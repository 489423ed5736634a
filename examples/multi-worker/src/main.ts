/**
 * Many workers, one PostgreSQL state store: `pnpm --filter @mlc/example-multi-worker start`.
 *
 * 1. Checks that PostgreSQL answers at MLC_PG_URL (default postgres://postgres@127.0.0.1:5432/test); exits 1 with a
 *    clear message when it does not.
 * 2. Starts the Sage X3 and Power BI simulators on loopback and creates the Power BI dataset once.
 * 3. Starts 3 worker processes (worker.ts). Each runs `sync.start()` with the six streams on a one-second schedule,
 *    over the same PostgreSQL store (a schema of its own for this run). The stream leases let one worker at a time
 *    run a stream; the others skip that tick.
 * 4. Kills one worker with SIGKILL while it is in the middle of a run. Its leases expire after `leaseTtlMs`; another
 *    worker takes the stream over, verifies the dead worker's open intent and continues from the committed state.
 * 5. When every stream has caught up, stops the workers and prints per-table row counts against Sage X3 and the
 *    number of duplicates (0).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { clientSecretCredential, createPowerBIClient } from '@mlc/powerbi-push-client';
import { x3Streams } from '@mlc/sync-engine/sage-x3';
import { datasetForStreams } from '@mlc/sync-engine/powerbi';
import { basicAuth, createX3Client } from '@mlc/sage-x3-client';
import { startPowerBISimulator, startSageX3Simulator } from '@mlc/testkit';
import pg from 'pg';
import type { WorkerConfig, WorkerMessage } from './protocol.js';

const PG_URL = process.env.MLC_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const WORKERS = 3;
const LEASE_TTL_MS = 4_000;
const DATASET = 'Sage X3 multi-worker';
const STREAMS = ['glAccounts', 'glEntryLines', 'suppliers', 'purchaseOrders', 'salesInvoices', 'products'];
const started = Date.now();
const say = (text: string) => console.log(text);
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s`;

/** The URL without its password, for messages. */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(an unparseable MLC_PG_URL)';
  }
}

async function checkPostgres(): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    console.error(
      `PostgreSQL is not reachable at ${safeUrl(PG_URL)} (${reason}).\n` +
        'This example shares one PostgreSQL state store between its workers. Start a server, or point MLC_PG_URL ' +
        'at one, e.g.\n  MLC_PG_URL=postgres://user:password@host:5432/db node scripts/pnpm.mjs --filter @mlc/example-multi-worker start',
    );
    process.exit(1);
  } finally {
    await client.end().catch(() => {});
  }
}

/** What main.ts knows about one worker process. */
interface WorkerState {
  n: number;
  child: ChildProcess;
  alive: boolean;
  /** Runs in progress: runId → stream. */
  running: Map<string, string>;
  runs: number;
  rowsPosted: number;
  skippedLeaseHeld: number;
}

async function main(): Promise<void> {
  await checkPostgres();
  say(`PostgreSQL at ${safeUrl(PG_URL)} answers.`);
  const schema = `mlc_example_multi_worker_${randomBytes(4).toString('hex')}`;
  const x3sim = await startSageX3Simulator({ seed: 5, size: 'small' });
  // A little latency on every POST, so that the runs last long enough for a kill to land mid-run.
  const pbisim = await startPowerBISimulator({
    seed: 5,
    timeScale: 60,
    faults: [{ kind: 'latency', latencyMs: 120, routes: ['postRows'] }],
  });
  const workers: WorkerState[] = [];
  const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
  try {
    // The dataset is created once, here: several workers ensuring a dataset by name at the same moment would each
    // create one (Power BI allows duplicate names).
    const pbi = createPowerBIClient({
      credential: clientSecretCredential({
        tenantId: pbisim.tenantId,
        clientId: pbisim.clientId,
        clientSecret: pbisim.clientSecret ?? '',
      }),
      groupId: pbisim.groupId,
      apiBase: pbisim.url,
      authorityHost: pbisim.authorityHost,
    });
    // The schema only needs the tables; any X3 client builds the same streams.
    const shape = x3Streams(
      createX3Client({
        baseUrl: x3sim.url,
        endpoint: x3sim.endpoint,
        transport: 'rest',
        auth: basicAuth(x3sim.credentials.basic),
      }),
    );
    const { datasetId } = await pbi.ensureDataset(datasetForStreams(DATASET, shape));
    say(`Simulators up; dataset "${DATASET}" created; state store schema "${schema}".`);

    const config = (n: number): WorkerConfig => ({
      worker: n,
      x3: { url: x3sim.url, endpoint: x3sim.endpoint, ...x3sim.credentials.basic },
      pbi: {
        url: pbisim.url,
        authorityHost: pbisim.authorityHost,
        tenantId: pbisim.tenantId,
        clientId: pbisim.clientId,
        clientSecret: pbisim.clientSecret ?? '',
        groupId: pbisim.groupId,
      },
      datasetId,
      datasetName: DATASET,
      pgUrl: PG_URL,
      schema,
      leaseTtlMs: LEASE_TTL_MS,
      batchSize: 250,
    });
    const workerScript = fileURLToPath(new URL('./worker.ts', import.meta.url));
    let killedAt = 0;
    /** Streams that finished a run with nothing to do, started after the kill. */
    const caughtUp = new Set<string>();
    const startedAt = new Map<string, number>();

    const onMessage = (w: WorkerState, m: WorkerMessage) => {
      const who = `worker ${w.n}`;
      switch (m.type) {
        case 'run-started':
          w.running.set(m.runId, m.stream);
          startedAt.set(m.runId, Date.now());
          break;
        case 'run-finished': {
          w.running.delete(m.runId);
          w.runs++;
          w.rowsPosted += m.rowsPosted;
          const after = killedAt > 0 && (startedAt.get(m.runId) ?? 0) > killedAt;
          if (m.rowsPosted > 0 || m.intentsResolved > 0 || m.rebuilt) {
            say(
              `${elapsed()}  ${who} ran ${m.stream.padEnd(14)} ${String(m.rowsPosted).padStart(6)} rows posted` +
                (m.intentsResolved > 0 ? `, ${m.intentsResolved} open intent(s) resolved` : '') +
                (m.rebuilt ? ', table rebuilt' : ''),
            );
          } else if (after) caughtUp.add(m.stream);
          break;
        }
        case 'run-failed':
          say(`${elapsed()}  ${who}: ${m.stream} failed: ${m.error}`);
          break;
        case 'run-skipped':
          if (m.reason === 'lease-held') w.skippedLeaseHeld++;
          break;
        case 'batch-verified':
          say(
            `${elapsed()}  ${who} verified a batch of ${m.stream} left open: counted ${m.counted} of ${m.expected} rows → ${m.decision}`,
          );
          break;
        default:
          break;
      }
    };

    const spawnWorker = (n: number) =>
      new Promise<void>((resolve, reject) => {
        const child = fork(workerScript, [], {
          // The same TypeScript loader and source condition as this process (tsx's loader, resolved from here).
          execArgv: ['--conditions=@mlc/source', '--import', import.meta.resolve('tsx')],
          env: { ...process.env, MLC_MULTI_WORKER: JSON.stringify(config(n)) },
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        const w: WorkerState = {
          n,
          child,
          alive: true,
          running: new Map(),
          runs: 0,
          rowsPosted: 0,
          skippedLeaseHeld: 0,
        };
        workers.push(w);
        child.on('message', (m: WorkerMessage) => {
          if (m.type === 'ready') resolve();
          else onMessage(w, m);
        });
        child.on('exit', (code, signal) => {
          w.alive = false;
          if (code !== 0 && signal !== 'SIGKILL')
            reject(new Error(`worker ${n} exited with ${code ?? signal}`));
        });
      });

    say(
      `\nStarting ${WORKERS} workers (each runs sync.start() over the same streams and the same store) ...`,
    );
    await Promise.all(Array.from({ length: WORKERS }, (_, i) => spawnWorker(i + 1)));

    // Kill a worker in the middle of a run once some rows are in Power BI.
    const victim = await waitFor(
      () => {
        const rows = pbisim.control.requests({ route: 'postRows' }).length;
        return rows >= 6 ? workers.find((w) => w.alive && w.running.size > 0) : undefined;
      },
      60_000,
      'a worker in the middle of a run',
    );
    const streams = [...victim.running.values()].join(', ');
    process.kill(victim.child.pid ?? 0, 'SIGKILL');
    killedAt = Date.now();
    say(
      `${elapsed()}  *** worker ${victim.n} killed with SIGKILL in the middle of ${streams}; its leases expire in ${LEASE_TTL_MS / 1000} s ***`,
    );

    await waitFor(
      () => (STREAMS.every((s) => caughtUp.has(s)) ? true : undefined),
      120_000,
      'every stream to catch up',
    );
    say(`${elapsed()}  every stream caught up; stopping the workers`);
    for (const w of workers) if (w.alive) w.child.send('stop');
    await Promise.all(
      workers.filter((w) => w.alive).map((w) => new Promise((resolve) => w.child.once('exit', resolve))),
    );

    say('\nWorkers');
    console.table(
      workers.map((w) => ({
        worker: w.n,
        fate: w === victim ? 'killed (SIGKILL)' : 'stopped',
        'runs finished': w.runs,
        'rows posted': w.rowsPosted,
        'ticks skipped (lease held elsewhere)': w.skippedLeaseHeld,
      })),
    );

    say('Power BI against Sage X3');
    const identity: Record<
      string,
      { entity: Parameters<typeof x3sim.control.count>[0]; key: string[]; lines: boolean }
    > = {
      GLAccounts: { entity: 'account', key: ['key'], lines: false },
      GLEntryLines: { entity: 'journalEntry', key: ['entryKey', 'lineNumber'], lines: true },
      Suppliers: { entity: 'supplier', key: ['key'], lines: false },
      PurchaseOrderLines: {
        entity: 'purchaseOrder',
        key: ['orderKey', 'lineNumber', '_version'],
        lines: true,
      },
      SalesInvoiceLines: { entity: 'salesInvoice', key: ['invoiceKey', 'lineNumber'], lines: true },
      Products: { entity: 'product', key: ['key'], lines: false },
    };
    let duplicates = 0;
    let missing = 0;
    const report = Object.entries(identity).map(([table, id]) => {
      const rows = pbisim.control.rows(datasetId, table);
      const keys = rows.map((r) => id.key.map((k) => String(r[k])).join('/'));
      const dupes = keys.length - new Set(keys).size;
      const expected = id.lines ? x3sim.control.lineCount(id.entity) : x3sim.control.count(id.entity);
      duplicates += dupes;
      missing += Math.max(0, expected - (rows.length - dupes));
      return { table, rows: rows.length, 'in Sage X3': expected, duplicates: dupes };
    });
    console.table(report);
    say(
      `Done in ${elapsed().trim()}: ${duplicates} duplicates, ${missing} rows missing` +
        (duplicates === 0 && missing === 0 ? ' — the killed worker lost nothing and doubled nothing.' : '.'),
    );
    if (duplicates !== 0 || missing !== 0) process.exitCode = 1;
  } finally {
    for (const w of workers) if (w.alive) w.child.kill('SIGKILL');
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    await admin.end().catch(() => {});
    await Promise.allSettled([x3sim.close(), pbisim.close()]);
  }
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
