import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '@mlc/core';
import { MemoryStateStore, type Sync, createSync, defineStream } from '@mlc/sync-engine';
import { MemorySink, MemorySource } from '@mlc/sync-engine/testing';
import { type ConsoleOptions, type OperatorConsole, createConsole } from '../src/index.js';

/** Text no page may ever show as markup: tags, attribute breakers, bidi overrides, zero-width characters. */
export const HOSTILE =
  '<script>window.__pwned=1</script>"\'><img src=x onerror="window.__pwned=2">\u202Egnp.exe a\u200Bb\u2066';
/** A record key that tries the same. */
export const HOSTILE_KEY = 'k"><b id=pwn>1</b>\u202E';
/** Secrets planted in records and messages: none may appear in a page. */
export const PLANTED = {
  password: 'hunter2-planted-password',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwbGFudGVkIn0.c2lnbmF0dXJlLXBsYW50ZWQ',
  known: 'Kn0wn&<secret>-planted',
};

/** A source record of the test stream. */
export interface Customer {
  key: string;
  updatedAt: string;
  name: string;
  note: string;
  password: string;
}

/** A sync over memory parts with one good and one parked record, served by the console over real HTTP. */
export interface ConsoleWorld {
  sync: Sync;
  store: MemoryStateStore;
  sink: MemorySink;
  source: MemorySource<Customer>;
  console: OperatorConsole;
  /** Base URL of the console (with its base path). */
  url: string;
  /** Lets the parked record through the mapper (the "fix" before a replay). */
  fix(): void;
  close(): Promise<void>;
}

/** Starts a world; `options` go to createConsole (basePath defaults to `/ops`). */
export async function startConsoleWorld(
  options: Partial<Omit<ConsoleOptions, 'sync' | 'store'>> = {},
): Promise<ConsoleWorld> {
  const store = new MemoryStateStore();
  const sink = new MemorySink();
  const source = new MemorySource<Customer>();
  let blocked = true;
  const stamp = (m: number) => new Date(Date.UTC(2024, 0, 1, 0, m)).toISOString();
  source.put('c1', stamp(1), {
    key: 'c1',
    updatedAt: stamp(1),
    name: 'Plain',
    note: '',
    password: PLANTED.password,
  });
  source.put(HOSTILE_KEY, stamp(2), {
    key: HOSTILE_KEY,
    updatedAt: stamp(2),
    name: HOSTILE,
    note: `token Bearer ${PLANTED.jwt} and ${PLANTED.known}`,
    password: PLANTED.password,
  });
  const stream = defineStream<Customer>({
    name: 'customers',
    source,
    table: { name: 'Customers', columns: { key: 'String', name: 'String' } },
    map: (c) => {
      if (blocked && c.name.includes('<script>')) throw new Error(`name ${c.name} is blocked (${c.note})`);
      return { key: c.key, name: c.name };
    },
    safetyLagMs: 0,
  });
  const sync = createSync({ store, sink, streams: [stream], logger: silentLogger });
  await sync.run();
  const ops = createConsole({ sync, store, basePath: '/ops', secrets: [PLANTED.known], ...options });
  const server: Server = createServer((req, res) => {
    void ops.node(req, res, () => {
      res.writeHead(418, { 'content-type': 'text/plain' });
      res.end('host app');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    sync,
    store,
    sink,
    source,
    console: ops,
    url: `http://127.0.0.1:${port}/ops`,
    fix: () => {
      blocked = false;
    },
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sync.close();
    },
  };
}

/** Asserts-by-return: what a page shows that it must not (raw hostile markup, a planted secret). */
export function leaksIn(page: string): string[] {
  const found: string[] = [];
  for (const bad of [
    '<script>window',
    '<img src=x',
    '<b id=pwn>',
    'onerror="window',
    '\u202E',
    '\u200B',
    '\u2066',
  ]) {
    if (page.includes(bad)) found.push(`hostile ${JSON.stringify(bad)}`);
  }
  for (const [name, secret] of Object.entries(PLANTED)) {
    if (page.includes(secret)) found.push(`secret ${name}`);
  }
  if (page.includes('Kn0wn&amp;&lt;secret&gt;')) found.push('secret known (escaped)');
  return found;
}

/** The CSRF cookie and token of an allowed page. */
export function csrfOf(response: Response, page: string): { cookie: string; token: string } {
  const cookie = response.headers.get('set-cookie')?.split(';')[0] ?? '';
  const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
  return { cookie, token };
}
