import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { type Logger, TestClock } from '@mlc/core';
import { clientSecretCredential, createPowerBIClient } from '@mlc/powerbi-push-client';
import { basicAuth, createX3Client } from '@mlc/sage-x3-client';
import { createSqliteStateStore } from '@mlc/state-store-sqlite';
import {
  type Sync,
  type SyncEvents,
  createSync,
  datasetForStreams,
  powerBISink,
  x3Streams,
} from '@mlc/sync-engine';
import {
  type PowerBISimulator,
  type SageX3Simulator,
  startPowerBISimulator,
  startSageX3Simulator,
} from '@mlc/testkit';
import { afterEach, describe, expect, it } from 'vitest';

// Each kind of failure a scheduled service meets, against the real simulators and the real SQLite store, under
// `start()`: the failed runs emit `run-failed` and one `alert` (stable code, severity, stream, since, attempts,
// redacted message, remedy) on the change of state, configuration and credential failures back off instead of
// hammering the identity provider or the ERP, and a fix brings `recovered` and the rows. The engine runs on a test
// clock (schedule, backoff, reminders); the clients and simulators on the real one, and the clock only moves while
// no run is in flight, so no simulated time passes during real I/O.

const T0 = Date.parse('2024-06-01T00:00:00Z');
const EVERY_5_S = { cron: '*/5 * * * * *' } as const;
const TABLE = 'GLEntryLines';
const FAST_RETRY = { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 };

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A logger that keeps every call, as the text an operator's log would hold. */
function capturingLogger(lines: string[]): Logger {
  const keep =
    (level: string) =>
    (...args: unknown[]) => {
      lines.push(`${level} ${args.map((a) => inspect(a, { depth: 8 })).join(' ')}`);
    };
  return { debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') };
}

interface Options {
  /** The Power BI client secret the service is configured with. @default the simulator's */
  pbiSecret?: string;
  /** The Sage X3 password the service is configured with. @default the simulator's */
  x3Password?: string;
  /** The Sage X3 URL the service is configured with. @default the simulator's */
  x3Url?: string;
  /** The SQLite file. @default a file in a fresh directory */
  storePath?: string;
  /** Reminder interval of a failure that lasts. @default 1 h */
  reminderMs?: number;
}

interface Harness {
  clock: TestClock;
  x3sim: SageX3Simulator;
  pbisim: PowerBISimulator;
  sync: Sync;
  dir: string;
  /** Advances the test clock second by second, letting each scheduled run finish (real I/O) in between. */
  advance(ms: number): Promise<void>;
  failures(): Array<SyncEvents['run-failed'] & { at: number }>;
  alerts(): Array<SyncEvents['alert'] & { at: number }>;
  recovered(): Array<SyncEvents['recovered'] & { at: number }>;
  /** Everything an operator could read: events, log lines, audit entries. */
  everything(): Promise<string>;
  rows(): Array<Record<string, unknown>>;
}

async function harness(options: Options = {}): Promise<Harness> {
  const clock = new TestClock(T0);
  const x3sim = await startSageX3Simulator({ seed: 5, size: { journalEntry: 6 } });
  const pbisim = await startPowerBISimulator({ seed: 5 });
  cleanups.push(
    () => x3sim.close(),
    () => pbisim.close(),
  );
  const dir = mkdtempSync(join(tmpdir(), 'mlc-alerts-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const logs: string[] = [];
  const logger = capturingLogger(logs);
  const x3 = createX3Client({
    baseUrl: options.x3Url ?? x3sim.url,
    endpoint: x3sim.endpoint,
    transport: 'rest',
    auth: basicAuth({
      user: x3sim.credentials.basic.user,
      password: options.x3Password ?? x3sim.credentials.basic.password,
    }),
    retry: FAST_RETRY,
    logger,
  });
  const pbi = createPowerBIClient({
    credential: clientSecretCredential({
      tenantId: pbisim.tenantId,
      clientId: pbisim.clientId,
      clientSecret: options.pbiSecret ?? pbisim.clientSecret ?? '',
    }),
    groupId: pbisim.groupId,
    apiBase: pbisim.url,
    authorityHost: pbisim.authorityHost,
    retry: FAST_RETRY,
    logger,
  });
  const streams = x3Streams(x3, {
    glAccounts: false,
    suppliers: false,
    purchaseOrders: false,
    salesInvoices: false,
    products: false,
    glEntryLines: { schedule: EVERY_5_S },
  });
  const sync = createSync({
    store: createSqliteStateStore({ path: options.storePath ?? join(dir, 'state.db') }),
    sink: powerBISink(pbi, { dataset: datasetForStreams('Failure alerts', streams) }),
    streams,
    clock,
    logger,
    alerts: { backoffMaxMs: 40_000, reminderMs: options.reminderMs ?? 3_600_000 },
    defaults: { batchSize: 50, safetyLagMs: 0 },
  });
  const events: Array<{ at: number; name: string; data: unknown }> = [];
  for (const name of ['run-failed', 'alert', 'recovered', 'run-finished'] as const) {
    sync.on(name, (data) => events.push({ at: clock.now(), name, data }));
  }
  cleanups.push(() => clock.run(sync.close()));
  const of = <T>(name: string) =>
    events.filter((e) => e.name === name).map((e) => ({ ...(e.data as T), at: e.at }));
  return {
    clock,
    x3sim,
    pbisim,
    sync,
    dir,
    advance: async (ms) => {
      for (let t = 0; t < ms; t += 1000) {
        await clock.advance(1000);
        while (sync.isRunning()) await new Promise((resolve) => setTimeout(resolve, 2));
      }
    },
    failures: () => of('run-failed'),
    alerts: () => of('alert'),
    recovered: () => of('recovered'),
    everything: async () =>
      [
        inspect(events, { depth: 10 }),
        JSON.stringify(events),
        ...logs,
        JSON.stringify(await sync.auditLog({ limit: 10_000 }).catch(() => [])),
      ].join('\n'),
    rows: () => {
      const dataset = pbisim.control.datasets().find((d) => d.name === 'Failure alerts');
      return dataset ? pbisim.control.rows(dataset.id, TABLE) : [];
    },
  };
}

/** Seconds after T0 at which runs failed. */
const offsets = (h: Harness) => h.failures().map((f) => (f.at - T0) / 1000);

/** Every Sage X3 line is in Power BI exactly once. */
function expectEveryLineOnce(h: Harness): void {
  const keys = h.rows().map((r) => `${r.entryKey}/${r.lineNumber}`);
  expect(new Set(keys).size).toBe(keys.length);
  expect(keys.length).toBe(h.x3sim.control.lineCount('journalEntry'));
}

describe('failure alerts against the simulators, under start()', () => {
  it('a wrong Entra client secret (AADSTS7000215): one alert, backoff to the cap, a reminder, recovered once fixed', async () => {
    const planted = 'Planted~Entra.Secret-7000215-q9Z';
    const h = await harness({ pbiSecret: planted, reminderMs: 60_000 });
    h.sync.start();
    await h.advance(100_000);
    // Ticks every 5 s; attempts back off from the interval to the 40 s cap.
    expect(offsets(h)).toEqual([5, 10, 20, 40, 80]);
    expect(h.failures()[0]).toMatchObject({
      stream: 'glEntryLines',
      code: 'PBI_AUTH_FAILED',
      phase: 'credentials',
      since: T0 + 5_000,
      attempts: 1,
      retryAt: T0 + 10_000,
    });
    // Only 4 token requests reached Entra after the first: the identity provider is not hammered every tick.
    expect(h.pbisim.control.requests({ route: 'token' }).length).toBe(5);
    const alerts = h.alerts();
    expect(alerts).toHaveLength(2);
    expect(alerts[0]).toMatchObject({
      code: 'PBI_AUTH_FAILED',
      severity: 'critical',
      phase: 'credentials',
      stream: 'glEntryLines',
      since: T0 + 5_000,
      attempts: 1,
      reminder: false,
      message: expect.stringContaining('AADSTS7000215'),
      remedy: expect.stringContaining('client secret'),
    });
    expect(alerts[1]).toMatchObject({
      code: 'PBI_AUTH_FAILED',
      attempts: 5,
      reminder: true,
      since: T0 + 5_000,
    });

    // The administrator registers the secret the service uses: the next attempt (at 120 s) recovers.
    h.pbisim.control.setClientSecret(h.pbisim.clientId, planted);
    await h.advance(40_000);
    expect(h.recovered()).toEqual([
      expect.objectContaining({
        stream: 'glEntryLines',
        code: 'PBI_AUTH_FAILED',
        attempts: 5,
        since: T0 + 5_000,
      }),
    ]);
    expectEveryLineOnce(h);
    expect(await h.everything()).not.toContain(planted);
  });

  it('a wrong Sage X3 password: one alert, backoff, recovered once the password matches', async () => {
    const planted = 'Planted-X3-password!7xQ';
    const h = await harness({ x3Password: planted });
    h.sync.start();
    await h.advance(45_000);
    expect(offsets(h)).toEqual([5, 10, 20, 40]);
    expect(h.failures().every((f) => f.code === 'X3_AUTH_REJECTED' && f.phase === 'credentials')).toBe(true);
    // Two X3 requests per attempt (the HTTP client answers a 401 challenge once with fresh credentials), none
    // between attempts: the ERP is not hammered either.
    expect(h.x3sim.control.requestLog().filter((r) => r.status === 401).length).toBe(2 * 4);
    expect(h.alerts()).toEqual([
      expect.objectContaining({
        code: 'X3_AUTH_REJECTED',
        severity: 'critical',
        phase: 'credentials',
        stream: 'glEntryLines',
        since: T0 + 5_000,
        attempts: 1,
        // Readable: "Basic credentials" was once taken for an Authorization header and redacted to "Basic [REDACTED]".
        message: expect.stringContaining("X3 refused the credentials of Basic-auth user 'ADMIN'"),
        remedy: expect.stringContaining('password'),
      }),
    ]);
    h.x3sim.control.setUserPassword(h.x3sim.credentials.basic.user, planted);
    await h.advance(40_000);
    expect(h.recovered()).toEqual([expect.objectContaining({ code: 'X3_AUTH_REJECTED', attempts: 4 })]);
    expectEveryLineOnce(h);
    expect(await h.everything()).not.toContain(planted);
  });

  it('a Power BI sink set-up failure (the app is not a member of the workspace): alert, backoff, recovered', async () => {
    const h = await harness();
    h.pbisim.control.removeMember(h.pbisim.groupId, h.pbisim.clientId);
    h.sync.start();
    await h.advance(45_000);
    const first = h.failures()[0];
    expect(first).toMatchObject({ stream: 'glEntryLines', since: T0 + 5_000, attempts: 1 });
    expect(offsets(h)).toEqual([5, 10, 20, 40]);
    expect(h.alerts()).toEqual([
      expect.objectContaining({
        code: first?.code,
        severity: 'critical',
        phase: first?.phase,
        stream: 'glEntryLines',
        attempts: 1,
        message: expect.stringMatching(/workspace|member|authori[sz]ed/i),
        remedy: expect.any(String),
      }),
    ]);
    h.pbisim.control.addMember(h.pbisim.groupId, h.pbisim.clientId, 'Admin');
    await h.advance(40_000);
    expect(h.recovered()).toEqual([expect.objectContaining({ code: first?.code, attempts: 4 })]);
    expectEveryLineOnce(h);
    expect(await h.everything()).not.toContain(h.pbisim.clientSecret);
  });

  it('Sage X3 unreachable: retried every tick (transient), alerted once, recovered when it answers again', async () => {
    // A port where nothing listens yet: the simulator is started there later.
    const probe = await startSageX3Simulator({ seed: 5, size: { journalEntry: 6 } });
    const port = Number(new URL(probe.url).port);
    await probe.close();
    const h = await harness({ x3Url: `http://127.0.0.1:${port}` });
    h.sync.start();
    await h.advance(30_000);
    expect(offsets(h)).toEqual([5, 10, 15, 20, 25, 30]);
    expect(h.failures().every((f) => f.phase === 'source' && f.retryAt === undefined)).toBe(true);
    expect(h.alerts()).toEqual([
      expect.objectContaining({
        code: h.failures()[0]?.code,
        severity: 'error',
        phase: 'source',
        stream: 'glEntryLines',
        since: T0 + 5_000,
        attempts: 1,
        message: expect.stringContaining('ECONNREFUSED'),
        remedy: expect.stringContaining('reachable'),
      }),
    ]);
    const back = await startSageX3Simulator({ seed: 5, size: { journalEntry: 6 }, port });
    cleanups.push(() => back.close());
    await h.advance(5_000);
    expect(h.recovered()).toEqual([expect.objectContaining({ attempts: 6, since: T0 + 5_000 })]);
    expectEveryLineOnce(h);
  });

  it('the state store failing (its directory is missing): alert with phase store, recovered once it is back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlc-alerts-store-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const h = await harness({ storePath: join(dir, 'missing', 'state.db') });
    h.sync.start();
    await h.advance(15_000);
    expect(offsets(h)).toEqual([5, 10, 15]);
    expect(h.failures().every((f) => f.phase === 'store')).toBe(true);
    expect(h.alerts()).toEqual([
      expect.objectContaining({
        severity: 'critical',
        phase: 'store',
        stream: 'glEntryLines',
        since: T0 + 5_000,
        attempts: 1,
        remedy: expect.stringContaining('state store'),
      }),
    ]);
    // Nothing reached Power BI while the store was down.
    expect(h.pbisim.control.requests({ route: 'postRows' })).toEqual([]);
    mkdirSync(join(dir, 'missing'));
    await h.advance(5_000);
    expect(h.recovered()).toEqual([expect.objectContaining({ attempts: 3 })]);
    expectEveryLineOnce(h);
  });
});
