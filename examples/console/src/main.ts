/**
 * A plain Node `http` service that runs a Sage X3 → Power BI sync and mounts the operator console at `/ops`.
 *
 * The console is read-only for everyone; a request carrying `Authorization: Bearer <OPS_TOKEN>` may also act (in a
 * real service, use your own authentication: a session, a header your proxy sets). The simulators stand in for
 * Sage X3 and Power BI. By default the example checks itself over HTTP and exits; with `--serve` it stays up until
 * Ctrl-C so you can open http://127.0.0.1:4410/ops/ in a browser.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConsole } from '@mlc/console';
import { clientSecretCredential, createPowerBIClient } from '@mlc/powerbi-push-client';
import { basicAuth, createX3Client } from '@mlc/sage-x3-client';
import { createSqliteStateStore } from '@mlc/state-store-sqlite';
import { createSync } from '@mlc/sync-engine';
import { x3Streams } from '@mlc/sync-engine/sage-x3';
import { datasetForStreams, powerBISink } from '@mlc/sync-engine/powerbi';
import { startPowerBISimulator, startSageX3Simulator } from '@mlc/testkit';

const serve = process.argv.includes('--serve');
const x3sim = await startSageX3Simulator({ seed: 3, size: 'tiny' });
const pbisim = await startPowerBISimulator({ seed: 3, timeScale: 60 });
const dir = mkdtempSync(join(tmpdir(), 'mlc-console-example-'));

const x3 = createX3Client({
  baseUrl: x3sim.url,
  endpoint: x3sim.endpoint,
  transport: 'rest',
  auth: basicAuth(x3sim.credentials.basic),
});
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
const streams = x3Streams(x3, {});
const store = createSqliteStateStore({ path: join(dir, 'state.sqlite') });
const sync = createSync({
  store,
  sink: powerBISink(pbi, { dataset: datasetForStreams('Console example', streams) }),
  streams,
});

// Who may act: the operator's token (from the environment in a real service).
const opsToken = Buffer.from(process.env.OPS_TOKEN ?? randomBytes(18).toString('base64url'));
const ops = createConsole({
  sync,
  store,
  basePath: '/ops',
  secrets: [x3sim.credentials.basic.password, pbisim.clientSecret ?? '', opsToken.toString()],
  authorize: (request) => {
    const given = Buffer.from(request.headers.get('authorization')?.replace(/^Bearer /, '') ?? '');
    return given.length === opsToken.length && timingSafeEqual(given, opsToken);
  },
});

// The host service: its own routes, and the console under /ops.
const server = createServer((req, res) => {
  if (req.url === '/ops' || req.url?.startsWith('/ops/')) return void ops.node(req, res);
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return void res.end(JSON.stringify({ running: sync.isRunning() }));
  }
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('not found');
});
await new Promise<void>((resolve) => server.listen(serve ? 4410 : 0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

try {
  console.log('Initial load ...');
  for (const result of await sync.run()) {
    if ('error' in result) throw result.error;
    console.log(`  ${result.stream.padEnd(16)} ${String(result.rowsPosted).padStart(5)} rows posted`);
  }
  if (serve) {
    console.log(`\nConsole: ${origin}/ops/ (read-only; send "Authorization: Bearer <OPS_TOKEN>" to act)`);
    await new Promise<void>((resolve) => {
      process.on('SIGINT', () => resolve());
      process.on('SIGTERM', () => resolve());
    });
  } else {
    // Check the mount from the outside, as a browser or a monitoring probe would.
    const page = await fetch(`${origin}/ops/`);
    const html = await page.text();
    const listed = [...html.matchAll(/<tr data-stream="([^"]+)"/g)].map((m) => m[1]);
    console.log(`\nGET /ops/ → ${page.status}, streams listed: ${listed.join(', ')}`);
    const refused = await fetch(`${origin}/ops/actions/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'stream=suppliers',
    });
    console.log(`POST /ops/actions/run without the operator's token → ${refused.status}`);
    const operator = await fetch(`${origin}/ops/`, { headers: { authorization: `Bearer ${opsToken}` } });
    const actionable = (await operator.text()).includes('Run now');
    console.log(`GET /ops/ with the operator's token → ${operator.status}, actions offered: ${actionable}`);
    if (page.status !== 200 || listed.length !== streams.length || refused.status !== 403 || !actionable) {
      throw new Error('the console did not answer as expected');
    }
  }
} finally {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await sync.close();
  await Promise.allSettled([x3sim.close(), pbisim.close()]);
  rmSync(dir, { recursive: true, force: true });
}
