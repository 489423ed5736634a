import { createX3Client, oauth2RefreshTokenAuth, type TokenStore } from '@mlc/sage-x3-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createSync, MemoryStateStore, type SyncEvents } from '../src/index.js';
import { x3Streams } from '../src/sage-x3.js';
import { countBy, type Loop, startLoop } from './e2e-helpers.js';

let loop: Loop | undefined;
afterEach(async () => {
  await loop?.close();
  loop = undefined;
});

const ONLY_GL = {
  glAccounts: false,
  suppliers: false,
  purchaseOrders: false,
  salesInvoices: false,
  products: false,
} as const;

describe('e2e operations', () => {
  it('the scheduler never overlaps runs of a stream and picks up changes every hour (test clock)', async () => {
    loop = await startLoop({ streams: { ...ONLY_GL, glEntryLines: { schedule: 'hourly' } } });
    const l = loop;
    const sync = l.sync();
    let active = 0;
    let maxActive = 0;
    const finished: string[] = [];
    sync.on('run-started', () => {
      active += 1;
      maxActive = Math.max(maxActive, active);
    });
    sync.on('run-finished', () => {
      active -= 1;
      finished.push(new Date(l.clock.now()).toISOString().slice(11, 16));
    });
    sync.start();
    // Minute by minute on the test clock; after each step, let loopback I/O of a run in progress complete.
    const settle = async () => {
      for (let i = 0; i < 5000 && sync.isRunning(); i++)
        await new Promise((resolve) => setTimeout(resolve, 1));
    };
    for (let hour = 0; hour < 3; hour++) {
      l.x3sim.control.insert('journalEntry', {});
      for (let minute = 0; minute < 60; minute++) {
        await l.clock.advance(60_000);
        await settle();
      }
    }
    await sync.stop();
    expect(maxActive).toBe(1);
    expect(finished).toEqual(['01:00', '02:00', '03:00']);
    const rows = l.rows('GLEntryLines');
    expect(rows).toHaveLength(l.x3sim.control.lineCount('journalEntry'));
    expect([...countBy(rows, (r) => `${r.entryKey}/${r.lineNumber}`).values()].every((n) => n === 1)).toBe(
      true,
    );
  }, 60_000);

  it('stop() in the middle of a batch lets it finish, posts nothing more, and the next run completes exactly once', async () => {
    loop = await startLoop({ streams: ONLY_GL });
    const l = loop;
    let stopping: Promise<void> | undefined;
    const sync = l.sync({
      hooks: {
        onProtocolStep(step, info) {
          // Stop while batch 2 is being posted.
          if (step === 'before-post' && !stopping && info.batchId && ++posts === 2) stopping = sync.stop();
        },
      },
    });
    let posts = 0;
    // Not driven by clock.run: the stop timeout must not elapse, so the batch in flight finishes by itself.
    const [result] = await sync.run();
    await stopping;
    expect(result).toMatchObject({ status: 'stopped', batches: 2 });
    const landed = l.rows('GLEntryLines').length;
    expect(landed).toBeGreaterThan(0);
    expect(landed).toBeLessThan(l.x3sim.control.lineCount('journalEntry'));
    const [next] = await l.sync().run();
    expect(next).toMatchObject({ status: 'completed' });
    const rows = l.rows('GLEntryLines');
    expect(rows).toHaveLength(l.x3sim.control.lineCount('journalEntry'));
    expect([...countBy(rows, (r) => `${r.entryKey}/${r.lineNumber}`).values()].every((n) => n === 1)).toBe(
      true,
    );
  }, 60_000);

  it('a Power BI 429 storm: the wait shows as throttled time; every line lands exactly once (peers.md §7 #20, #21)', async () => {
    loop = await startLoop({ streams: ONLY_GL });
    const l = loop;
    l.pbisim.control.addFault({ kind: 'throttle', routes: ['postRows'], times: 3, retryAfterSeconds: 7 });
    const sync = l.sync();
    const throttled: number[] = [];
    sync.on('throttled', (e) => throttled.push(e.ms));
    const [r] = await l.clock.run(sync.run());
    expect(r).toMatchObject({ status: 'completed' });
    expect((r as { throttledMs: number }).throttledMs).toBeGreaterThanOrEqual(7_000);
    expect(throttled.length).toBeGreaterThan(0);
    const rows = l.rows('GLEntryLines');
    expect(rows).toHaveLength(l.x3sim.control.lineCount('journalEntry'));
    expect([...countBy(rows, (x) => `${x.entryKey}/${x.lineNumber}`).values()].every((n) => n === 1)).toBe(
      true,
    );
  }, 60_000);

  it('X3 OAuth2: rotated refresh tokens are kept in the encrypted slot; expiry is surfaced', async () => {
    loop = await startLoop({ x3: { refreshTokenTtlSeconds: 3 * 86_400 }, streams: ONLY_GL });
    const l = loop;
    const key = Buffer.alloc(32, 3);
    const storage = l.storage;
    const holder = createSync({
      store: new MemoryStateStore({ storage, clock: l.clock }),
      sink: l.sink,
      streams: [],
      clock: l.clock,
      secretKey: key,
    });
    const tokenStore: TokenStore = holder.tokenStore();
    const expiring: Array<SyncEvents['credential-expiring']> = [];
    holder.on('credential-expiring', (e) => expiring.push(e));
    const oauth = l.x3sim.credentials.oauth;
    const x3 = createX3Client({
      baseUrl: l.x3sim.url,
      endpoint: l.x3sim.endpoint,
      transport: 'rest',
      clock: l.clock,
      auth: oauth2RefreshTokenAuth({
        tokenUrl: oauth.tokenUrl,
        clientId: oauth.clientId,
        clientSecret: oauth.clientSecret,
        refreshToken: oauth.refreshToken,
        tokenStore,
        onRefreshTokenExpiring: (e) =>
          void holder.credentialExpiring({ credential: 'x3-refresh-token', ...e }),
      }),
    });
    const sync = createSync({
      store: new MemoryStateStore({ storage, clock: l.clock }),
      sink: l.sink,
      clock: l.clock,
      streams: x3Streams(x3, ONLY_GL),
      secretKey: key,
    });
    const [r] = await l.clock.run(sync.run());
    expect(r).toMatchObject({ status: 'completed' });
    const saved = await tokenStore.load();
    expect(saved?.refreshToken).toBeTruthy();
    expect(saved?.refreshToken).not.toBe(oauth.refreshToken); // rotated
    const sealed = JSON.stringify([...storage.secrets.values()]);
    expect(sealed).not.toContain(saved?.refreshToken ?? '<none>');
    expect(sealed).not.toContain(oauth.refreshToken);
    await new Promise((resolve) => setImmediate(resolve));
    expect(expiring.map((e) => e.credential)).toEqual(['x3-refresh-token']);
    expect((await sync.auditLog({ types: ['credential-expiring'] })).length).toBe(1);
  }, 60_000);
});
