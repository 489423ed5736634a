#!/usr/bin/env node
// Packaging smoke test: for every built package, require() the CJS build and import() the ESM build from a plain
// Node process (no TypeScript, no source condition) and call real code through each. This catches the trap where a
// CJS build default-imports an ESM-only dependency (ky, p-queue, p-retry) and breaks only at run time.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Each check receives the loaded module and a loader for sibling packages in the same format, and must exercise real
 * code (returning normally or throwing).
 */
const checks = {
  '@mlc/core': async (m) => {
    if (m.parseRetryAfter('5') !== 5000) throw new Error('parseRetryAfter');
    const client = m.createHttpClient({ baseUrl: 'http://127.0.0.1:9/' });
    const error = await client.request({ path: 'x', retry: false, timeoutMs: 2000 }).catch((e) => e);
    if (!m.isMlcError(error) || error.code !== 'NETWORK_ERROR') throw new Error(`createHttpClient: ${error}`);
  },
  '@mlc/testkit': async (m) => {
    const x3 = await m.startSageX3Simulator({ size: 'tiny' });
    const pbi = await m.startPowerBISimulator({});
    try {
      const auth = Buffer.from(`${x3.credentials.basic.user}:${x3.credentials.basic.password}`).toString(
        'base64',
      );
      const res = await fetch(
        `${x3.url}/api1/x3/erp/${x3.endpoint}/${x3.classes.supplier.className}?representation=${x3.classes.supplier.representation}.$query&count=1`,
        {
          headers: { authorization: `Basic ${auth}` },
        },
      );
      if (res.status !== 200) throw new Error(`sage-x3 simulator answered ${res.status}`);
    } finally {
      await Promise.all([x3.close(), pbi.close()]);
    }
  },
  '@mlc/sage-x3-client': async (m, load) => {
    const { startSageX3Simulator } = await load('@mlc/testkit');
    const sim = await startSageX3Simulator({ size: 'tiny' });
    try {
      for (const transport of ['rest', 'graphql']) {
        const auth =
          transport === 'rest'
            ? m.basicAuth(sim.credentials.basic)
            : m.connectedAppAuth(sim.credentials.connectedApp);
        const x3 = m.createX3Client({ baseUrl: sim.url, endpoint: sim.endpoint, transport, auth });
        let n = 0;
        for await (const change of x3.changes('supplier')) if (change.ok) n++;
        if (n !== sim.control.count('supplier')) throw new Error(`${transport}: read ${n} suppliers`);
      }
    } finally {
      await sim.close();
    }
  },
  '@mlc/powerbi-push-client': async (m, load) => {
    const { startPowerBISimulator } = await load('@mlc/testkit');
    const sim = await startPowerBISimulator({});
    try {
      const pbi = m.createPowerBIClient({
        credential: m.clientSecretCredential({
          tenantId: sim.tenantId,
          clientId: sim.clientId,
          clientSecret: sim.clientSecret,
        }),
        groupId: sim.groupId,
        apiBase: sim.url,
        authorityHost: sim.authorityHost,
      });
      const schema = m.defineDataset({
        name: 'Smoke',
        tables: { T: { columns: { id: 'Int64', at: 'DateTime' } } },
      });
      const { datasetId } = await pbi.ensureDataset(schema);
      const result = await pbi
        .table(datasetId, 'T')
        .append([{ id: 1, at: new Date() }], { batchId: 'smoke-1' });
      if (result.outcome !== 'applied') throw new Error(`append: ${result.outcome}`);
      if ((await pbi.table(datasetId, 'T').countWhere('_batch', 'smoke-1')) !== 1)
        throw new Error('countWhere');
    } finally {
      await sim.close();
    }
  },
  '@mlc/sync-engine': async (m) => {
    const store = new m.MemoryStateStore();
    await store.open();
    if ((await store.getCursor('s')) !== undefined) throw new Error('empty store has a cursor');
    if (m.contentHash({ a: 1, b: 2 }) !== m.contentHash({ b: 2, a: 1 }))
      throw new Error('contentHash is not canonical');
    await store.close();
  },
  '@mlc/state-store-sqlite': async (m) => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'mlc-smoke-sqlite-'));
    try {
      const store = m.createSqliteStateStore({ path: join(dir, 'state.db') });
      await store.open();
      const lease = await store.acquireLease({ name: 's', owner: 'smoke', ttlMs: 1000 });
      const cursor = await store.getCursor('s');
      await store.close();
      if (!lease || cursor !== undefined) throw new Error('sqlite store: no lease or an unexpected cursor');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  '@mlc/cli': async (m, load) => {
    // The doctor through the built package: a config with only a store checks the configuration and the store.
    const { MemoryStateStore } = await load('@mlc/sync-engine');
    const report = await m.runDoctor({ store: new MemoryStateStore(), streams: [] }, { env: {} });
    const ids = report.checks.map((c) => `${c.id}:${c.status}`).join(' ');
    if (
      !report.ok ||
      !ids.includes('config:ok') ||
      !ids.includes('store:ok') ||
      !ids.includes('targets:warn')
    )
      throw new Error(`runDoctor: ${ids}`);
    const filter = new m.SecretFilter(['planted-secret-1']);
    if (filter.clean('a planted-secret-1 b') !== 'a *** b') throw new Error('SecretFilter');
  },
  '@mlc/console': async (m, load) => {
    // The console through the built package: a read-only overview over an empty sync, with a hostile title escaped.
    const { MemoryStateStore, createSync } = await load('@mlc/sync-engine');
    const store = new MemoryStateStore();
    const sync = createSync({ store, sink: { ensureTables: async () => {} }, streams: [] });
    try {
      const ops = m.createConsole({ sync, store, basePath: '/ops', title: '<b>x</b>' });
      const response = await ops.fetch(new Request('http://smoke.test/ops/'));
      const page = await response.text();
      if (response.status !== 200 || !page.includes('&lt;b&gt;x&lt;/b&gt;') || page.includes('<b>x</b>'))
        throw new Error(`createConsole: ${response.status} ${page.slice(0, 200)}`);
    } finally {
      await sync.close();
    }
  },
  '@mlc/state-store-postgres': async (m) => {
    // Fixed schema `mlc_smoke`, re-used by every run. Without a server only CI fails; elsewhere say so loudly.
    const url = process.env.MLC_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    const store = m.createPostgresStateStore({ connectionString: url, schema: 'mlc_smoke', poolSize: 1 });
    try {
      await store.open();
    } catch (error) {
      if (process.env.CI || error?.name === 'StateStoreError') throw error;
      console.log(
        `SKIP @mlc/state-store-postgres: PostgreSQL unreachable (${error?.message}); set MLC_PG_URL`,
      );
      return;
    }
    try {
      if ((await store.getCursor('smoke')) !== undefined)
        throw new Error('postgres store: unexpected cursor');
    } finally {
      await store.close();
    }
  },
};

let passed = 0;
let failed = 0;
for (const [name, check] of Object.entries(checks)) {
  const require = createRequire(join(root, 'packages', 'core', 'package.json'));
  for (const format of ['cjs', 'esm']) {
    const load = async (sibling) => {
      const siblingDir = join(root, 'packages', sibling.replace('@mlc/', ''));
      return format === 'cjs'
        ? require(join(siblingDir, 'dist', 'index.js'))
        : import(pathToFileURL(join(siblingDir, 'dist', 'index.mjs')).href);
    };
    try {
      await check(await load(name), load);
      passed++;
      console.log(`ok   ${name} (${format})`);
    } catch (error) {
      failed++;
      console.log(`FAIL ${name} (${format}): ${error?.stack ?? error}`);
    }
  }
}
console.log(`smoke: ${passed} ok, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
