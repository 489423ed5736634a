/**
 * `pnpm bench` for @mlc/state-store-postgres (see docs/benchmarks.md): the shared StateStore benchmark in a
 * fresh schema, dropped afterwards. Skips with a message when PostgreSQL is unreachable (`MLC_PG_URL`, default
 * `postgres://postgres@127.0.0.1:5432/test`).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { benchStateStore } from '../../sync-engine/bench/state-store.bench.mjs';
import { BenchReport, selected, exclusiveBenchRun } from '../../testkit/bench/harness.mjs';
import { createPostgresStateStore } from '../src/index.js';

const url = process.env.MLC_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const shownUrl = url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

async function reachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

await exclusiveBenchRun();
const report = new BenchReport('state-store-postgres');
const problem = await reachable();
if (problem) {
  console.log(
    `\nSKIPPED: PostgreSQL at ${shownUrl} is unreachable (${problem}). Start a server or set MLC_PG_URL.`,
  );
} else if (selected('store-postgres')) {
  const schema = `mlc_bench_${randomBytes(4).toString('hex')}`;
  const store = createPostgresStateStore({ connectionString: url, schema });
  try {
    await store.open();
    await benchStateStore(report, 'postgres', store);
  } finally {
    await store.close();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
}
report.finish();
