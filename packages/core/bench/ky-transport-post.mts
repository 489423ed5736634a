/**
 * A micro-benchmark of the HTTP client's transport alone (not part of `pnpm bench`): N POSTs of a ~1.5 MB JSON text
 * (about a Power BI rows request) through `kyTransport` to a loopback server in a child process, so this process's
 * `process.cpuUsage()` counts the client side only. Reports CPU per POST, V8 external memory (where request bodies'
 * bytes live) at its highest after each answer, and the GC pauses seen.
 *
 *   ../../node_modules/.bin/tsx --expose-gc bench/ky-transport-post.mts [posts=300] [module]
 *
 * `module` is another `ky-transport.ts` to measure (e.g. a worktree of an earlier commit), for before/after pairs.
 */
import { spawn } from 'node:child_process';
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { silentLogger } from '../src/index.js';
import type { PipelineRequest, SendRequest } from '../src/http/pipeline.js';

type KyTransport = (settings: {
  fetch: typeof globalThis.fetch;
  requestIdHeaders: readonly string[];
  safeUrlOf: (url: URL) => string;
}) => SendRequest;

const posts = Number(process.argv[2] ?? 300);
const modulePath = process.argv[3] ?? new URL('../src/http/ky-transport.ts', import.meta.url).pathname;
const { kyTransport } = (await import(modulePath)) as { kyTransport: KyTransport };

// The sink: reads each body to its end, then answers a tiny JSON with a request id.
const SINK = `
const server = require('node:http').createServer((req, res) => {
  let bytes = 0;
  req.on('data', (chunk) => { bytes += chunk.length; });
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', requestid: 'r' }).end('{"n":' + bytes + '}'));
});
server.listen(0, '127.0.0.1', () => process.send(server.address().port));
`;
const sink = spawn(process.execPath, ['-e', SINK], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const port = await new Promise<number>((resolve) => sink.once('message', (m) => resolve(Number(m))));

// A rows body as the Power BI client sends it: one JSON text, mostly ASCII, some accented labels.
const rows: string[] = [];
for (let i = 0, length = 0; length < 1_500_000; i++) {
  const row = `{"id":${i},"account":"601000","label":"Achat marchandises é ${i}","debit":${i * 1.5},"credit":0,"date":"2026-12-03"}`;
  rows.push(row);
  length += row.length + 1;
}
const BODY = `{"rows":[${rows.join(',')}]}`;

const send = kyTransport({ fetch: globalThis.fetch, requestIdHeaders: ['requestid'], safeUrlOf: String });
const url = new URL(`http://127.0.0.1:${port}/rows`);
const post = async () => {
  const headers = new Headers({
    accept: 'application/json',
    'content-type': 'application/json; charset=utf-8',
  });
  const request: PipelineRequest = {
    method: 'POST',
    url,
    headers,
    body: BODY,
    timeoutMs: 30_000,
    attempt: 1,
    source: { method: 'POST', path: 'rows', body: BODY },
    logger: silentLogger,
  };
  const response = await send(request);
  if (response.status !== 200 || response.text !== `{"n":${Buffer.byteLength(BODY)}}`)
    throw new Error('bad answer');
};

for (let i = 0; i < 20; i++) await post();
globalThis.gc?.();
let gcCount = 0;
let gcMs = 0;
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcCount++;
    gcMs += entry.duration;
  }
});
observer.observe({ entryTypes: ['gc'] });
let externalPeak = 0;
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
for (let i = 0; i < posts; i++) {
  await post();
  externalPeak = Math.max(externalPeak, getHeapStatistics().external_memory);
}
const cpu = process.cpuUsage(cpu0);
const wall = performance.now() - wall0;
observer.disconnect();
sink.kill();
console.log(
  JSON.stringify({
    module: modulePath,
    posts,
    bodyMB: +(Buffer.byteLength(BODY) / 1e6).toFixed(2),
    cpuMsPerPost: +((cpu.user + cpu.system) / 1000 / posts).toFixed(2),
    userMsPerPost: +(cpu.user / 1000 / posts).toFixed(2),
    systemMsPerPost: +(cpu.system / 1000 / posts).toFixed(2),
    wallMsPerPost: +(wall / posts).toFixed(2),
    externalPeakMB: +(externalPeak / 1e6).toFixed(1),
    gcCount,
    gcMs: Math.round(gcMs),
  }),
);
