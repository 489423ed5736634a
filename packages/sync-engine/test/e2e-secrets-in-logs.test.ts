import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { basicAuth, createX3Client } from '@mlc/sage-x3-client';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { x3Streams } from '../src/sage-x3.js';
import { type Loop, startLoop, onlyStreams } from './e2e-helpers.js';

let loop: Loop | undefined;
afterEach(async () => {
  await loop?.close();
  loop = undefined;
});

describe('e2e: secrets never reach logs, events or the audit trail', () => {
  it('a run with faults and failures logs through pino without the X3 password or the Power BI secret', async () => {
    loop = await startLoop({
      streams: onlyStreams('glEntryLines'),
    });
    const l = loop;
    const lines: string[] = [];
    const logger = pino(
      { level: 'debug' },
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    l.pbisim.control.addFault({ kind: 'drop-after', routes: ['postRows'], times: 1 });
    l.pbisim.control.addFault({ kind: 'status', routes: ['executeQueries'], status: 500, times: 1 });
    const sync = l.sync({ logger });
    const events: unknown[] = [];
    for (const name of ['batch-posted', 'batch-verified', 'run-failed', 'alert', 'audit'] as const)
      sync.on(name, (e) => events.push(e));
    await l.clock.run(sync.run());
    // A failing run too: the Power BI app loses its workspace membership.
    l.pbisim.control.removeMember(l.pbisim.groupId, l.pbisim.clientId);
    l.x3sim.control.insert('journalEntry', {});
    await l.clock.advance(120_000);
    const [failed] = await l.clock.run(l.sync({ logger }).run());
    expect(failed).toHaveProperty('error');
    const everything = [
      lines.join(''),
      JSON.stringify(events, (_k, v) =>
        v instanceof Error ? { ...v, message: v.message, stack: v.stack } : v,
      ),
      JSON.stringify(await sync.auditLog({ limit: 10_000 })),
    ].join('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const secret of [l.x3sim.credentials.basic.password, l.pbisim.clientSecret ?? '<none>']) {
      expect(secret.length).toBeGreaterThan(3);
      expect(everything).not.toContain(secret);
    }
  }, 60_000);
});

describe('e2e: a password in the X3 base URL never leaks (issue 9 finding 5)', () => {
  it('is stripped at client creation with a warning; errors with their whole cause chain, logs and events stay clean', async () => {
    loop = await startLoop({
      streams: onlyStreams('glEntryLines'),
    });
    const l = loop;
    const password = 'Pl4nted-Url-P4ssw0rd';
    const lines: string[] = [];
    const logger = pino(
      { level: 'debug' },
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    // A server that is down, reached through a URL that carries a password: every request fails and the failure
    // (NetworkError → fetch TypeError → socket error) travels through the engine's log and events.
    const x3 = createX3Client({
      baseUrl: `http://admin:${password}@127.0.0.1:1`,
      endpoint: l.x3sim.endpoint,
      transport: 'rest',
      auth: basicAuth(l.x3sim.credentials.basic),
      retry: { maxAttempts: 1 },
      clock: l.clock,
      logger,
    });
    l.streams.splice(
      0,
      l.streams.length,
      ...x3Streams(x3, {
        glAccounts: false,
        suppliers: false,
        purchaseOrders: false,
        salesInvoices: false,
        products: false,
      }),
    );
    const sync = l.sync({ logger });
    const events: unknown[] = [];
    sync.on('run-failed', (e) => events.push(e));
    const [failed] = await l.clock.run(sync.run());
    const error = failed && 'error' in failed ? failed.error : undefined;
    expect(error).toBeDefined();
    const chain: string[] = [];
    for (let e: unknown = error, depth = 0; e && depth < 10; depth++) {
      chain.push(inspect(e, { depth: 10 }), String((e as Error).message), String((e as Error).stack));
      e = (e as { cause?: unknown }).cause;
    }
    const everything = [
      lines.join(''),
      chain.join('\n'),
      inspect(events, { depth: 10 }),
      JSON.stringify(await sync.auditLog({ limit: 10_000 })),
    ].join('\n');
    expect(lines.join('')).toMatch(/removed the user name and password/);
    expect(everything).not.toContain(password);
  }, 60_000);
});
