/**
 * The demo behind `npm run demo`: keeps a Power BI push dataset fresh from Sage X3, end to end, offline.
 *
 * 1. Starts the Sage X3 simulator (a seeded distributor) and the Entra ID + Power BI simulator on loopback.
 * 2. Builds the real clients (X3 over REST api1 with Basic auth; Power BI with a service-principal secret), the six
 *    ready-made streams and a SQLite state store in a temporary folder.
 * 3. Initial load: every stream, every record, posted once.
 * 4. Changes in Sage X3 (new GL entries, a supplier renamed, a product repriced), and a fault: the connection to Power
 *    BI is dropped right AFTER the service applied a POST. The engine does not know whether the rows landed, so it
 *    counts them through executeQueries and commits instead of resending.
 * 5. A run with nothing new posts nothing.
 * 6. Checks the Power BI tables against Sage X3: every record exactly once.
 *
 * The sync itself is built from `mlc.config.ts`, exactly as the `mlc` command line builds it. With `--keep` the
 * simulators stay up after step 6 and their settings go to `.demo.env`, so every `mlc` command can be tried
 * against them from another terminal (`npm run mlc -- status`); Ctrl-C stops them. With `--console` it serves the
 * operator console instead (see console-demo.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@mlc/cli';
import { basicAuth, createX3Client } from '@mlc/sage-x3-client';
import { type StreamRunResult, type Sync, createSync } from '@mlc/sync-engine';
import { startPowerBISimulator, startSageX3Simulator } from '@mlc/testkit';
import { runConsoleDemo } from './console-demo.js';
import { demoEnv, writeEnvFile } from './demo-env.js';

const demoDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');

const started = Date.now();
const say = (text: string) => console.log(text);

function table(results: Array<StreamRunResult | { stream: string; error: unknown }>): void {
  for (const r of results) {
    if ('error' in r) {
      console.error(`  stream ${r.stream} failed:`, r.error);
      process.exitCode = 1;
    }
  }
  const rows = results
    .filter((r): r is StreamRunResult => !('error' in r))
    .map((r) => ({
      stream: r.stream,
      read: r.recordsRead,
      unchanged: r.recordsUnchanged,
      quarantined: r.recordsQuarantined,
      'rows posted': r.rowsPosted,
      batches: r.batches,
      rebuilt: r.rebuilt ? 'yes' : '',
    }));
  console.table(rows);
}

async function main(): Promise<void> {
  if (process.argv.includes('--console')) {
    const at = process.argv.indexOf('--port');
    const port = at > 0 ? Number(process.argv[at + 1]) : 4400;
    await runConsoleDemo({ port: Number.isInteger(port) && port >= 0 ? port : 4400 });
    return;
  }
  say('Starting the Sage X3 and Power BI simulators on 127.0.0.1 ...');
  const x3sim = await startSageX3Simulator({ seed: 7, size: 'small' });
  // timeScale 60: Power BI's per-minute and per-hour quota windows pass 60 times faster.
  const pbisim = await startPowerBISimulator({ seed: 7, timeScale: 60 });
  const dir = mkdtempSync(join(tmpdir(), 'mlc-demo-'));
  let sync: Sync | undefined;
  try {
    const env = demoEnv(x3sim, pbisim, join(dir, 'state.sqlite'));
    // The sync `mlc` would build: the same file, the same environment variables.
    const { config } = await loadConfig({ cwd: demoDir, context: { env, command: 'demo' } });
    sync = createSync(config);
    const x3 = createX3Client({
      baseUrl: env.MLC_X3_URL ?? '',
      endpoint: env.MLC_X3_ENDPOINT ?? '',
      transport: 'rest',
      auth: basicAuth(x3sim.credentials.basic),
    });
    sync.on('batch-verified', (e) =>
      say(
        `  verified batch ${e.batchId} of ${e.stream}: counted ${e.counted} of ${e.expected} rows → ${e.decision}`,
      ),
    );
    sync.on('batch-posted', (e) => {
      if (e.outcome !== 'applied')
        say(`  POST of ${e.rows} rows to ${e.table} ended "${e.outcome}": verifying`);
    });
    sync.on('alert', (a) => say(`  ALERT: ${a.message}`));

    say('\n1. Initial load of the six streams');
    table(await sync.run());

    say('\n2. Changes in Sage X3, and the connection to Power BI drops after the next POST is applied');
    const entry = x3sim.control.insert('journalEntry');
    const supplierKey = await firstKey(x3, 'supplier');
    x3sim.control.update('supplier', supplierKey, {});
    const productKey = await firstKey(x3, 'product');
    x3sim.control.update('product', productKey, {});
    say(`  inserted journal entry ${entry.key}, changed supplier ${supplierKey} and product ${productKey}`);
    pbisim.control.addFault({ kind: 'drop-after', routes: ['postRows'], times: 1 });
    await new Promise((resolve) => setTimeout(resolve, 6_000)); // past the safety lag, so the changes are read
    table(await sync.run());

    say('\n3. Nothing new: a run posts nothing');
    table(await sync.run());

    say('\n4. Power BI against Sage X3');
    const dataset = pbisim.control.datasets()[0];
    let duplicates = 0;
    for (const t of dataset?.tables ?? []) {
      const rows = pbisim.control.rows(dataset!.id, t.name);
      // A row posted twice is identical apart from its `_batch` column (or even with it, if resent blindly).
      const keys = rows.map(({ _batch, ...content }) => JSON.stringify(content));
      const dupes = keys.length - new Set(keys).size;
      duplicates += dupes;
      say(`  ${t.name.padEnd(18)} ${String(rows.length).padStart(6)} rows, ${dupes} duplicates`);
    }
    const audit = await sync.auditLog({ limit: 100_000 });
    say(`  audit trail: ${audit.length} entries; dead letters: ${(await sync.deadLetters()).length}`);
    say(
      `\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s: ${duplicates === 0 ? 'no duplicates' : `${duplicates} DUPLICATES`}.`,
    );
    if (duplicates !== 0) process.exitCode = 1;
    if (keep) {
      await sync.close();
      sync = undefined;
      await keepRunning(env);
    }
  } finally {
    await sync?.close();
    await Promise.allSettled([x3sim.close(), pbisim.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `--keep`: leaves the simulators up for the `mlc` commands until Ctrl-C / SIGTERM. */
async function keepRunning(env: Record<string, string>): Promise<void> {
  const envFile = join(demoDir, '.demo.env');
  writeEnvFile(envFile, env);
  say(`
The simulators keep running (Ctrl-C stops them). Their settings are in examples/demo/.demo.env; try the
operator's commands from another terminal, at the repository root:

  npm run mlc -- doctor                   every connection and permission, step by step
  npm run mlc -- status                   per stream: last run, cursor lag, next run, parked records, alerts
  npm run mlc -- runs                     the runs above, newest first
  npm run mlc -- audit --type batch-committed --limit 5
  npm run mlc -- dead-letters list
  npm run mlc -- run --stream suppliers   one more run, with live progress
  npm run mlc -- start                    follow the schedules until Ctrl-C
`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  rmSync(envFile, { force: true });
  say('stopped');
}

async function firstKey(
  x3: ReturnType<typeof createX3Client>,
  entity: 'supplier' | 'product',
): Promise<string> {
  for await (const change of x3.changes(entity, { pageSize: 1 })) if (change.key) return change.key;
  throw new Error(`no ${entity} in the simulator`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
