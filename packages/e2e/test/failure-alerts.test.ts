import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { type Logger, TestClock } from '@mlc/core';
import { type PowerBIClient, clientSecretCredential, createPowerBIClient } from '@mlc/powerbi-push-client';
import { type JournalEntry, basicAuth, createX3Client } from '@mlc/sage-x3-client';
import { createSqliteStateStore } from '@mlc/state-store-sqlite';
import { type Sync, type SyncEvents, createSync } from '@mlc/sync-engine';
import { type X3StreamOverrides, mapGlEntryLines, x3Streams } from '@mlc/sync-engine/sage-x3';
import { datasetForStreams, powerBISink } from '@mlc/sync-engine/powerbi';
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
  /** Overrides of the GL entry lines stream (mapping, version, verification). @default none */
  glEntryLines?: X3StreamOverrides<JournalEntry>;
}

interface Harness {
  clock: TestClock;
  x3sim: SageX3Simulator;
  pbisim: PowerBISimulator;
  /** The service's Power BI client (to act on the workspace as an administrator would). */
  pbi: PowerBIClient;
  /** The running service (replaced by {@link Harness.restart}). */
  readonly sync: Sync;
  dir: string;
  /** Stops and closes the service, then starts it again with these stream overrides, as a redeploy would. */
  restart(glEntryLines: X3StreamOverrides<JournalEntry>): Promise<void>;
  /**
   * Advances the test clock second by second, letting each scheduled run finish in between. A run parked on the
   * clock (a verification's settle time) moves it on, but only while no request is on the wire.
   */
  advance(ms: number): Promise<void>;
  failures(): Array<SyncEvents['run-failed'] & { at: number }>;
  alerts(): Array<SyncEvents['alert'] & { at: number }>;
  recovered(): Array<SyncEvents['recovered'] & { at: number }>;
  runs(): Array<SyncEvents['run-finished'] & { at: number }>;
  /** Everything an operator could read: events, log lines, audit entries. */
  everything(): Promise<string>;
  rows(): Array<Record<string, unknown>>;
}

async function harness(options: Options = {}): Promise<Harness> {
  const clock = new TestClock(T0);
  // The X3 simulator stamps the records it is told to insert with the engine's clock, so they are due at once.
  const x3sim = await startSageX3Simulator({ seed: 5, size: { journalEntry: 6 }, clock });
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
  const events: Array<{ at: number; name: string; data: unknown }> = [];
  const build = (glEntryLines: X3StreamOverrides<JournalEntry>): Sync => {
    const streams = x3Streams(x3, {
      glAccounts: false,
      suppliers: false,
      purchaseOrders: false,
      salesInvoices: false,
      products: false,
      glEntryLines: { schedule: EVERY_5_S, ...glEntryLines },
    });
    const built = createSync({
      store: createSqliteStateStore({ path: options.storePath ?? join(dir, 'state.db') }),
      sink: powerBISink(pbi, { dataset: datasetForStreams('Failure alerts', streams) }),
      streams,
      clock,
      logger,
      alerts: { backoffMaxMs: 40_000, reminderMs: options.reminderMs ?? 3_600_000 },
      defaults: { batchSize: 50, safetyLagMs: 0 },
    });
    for (const name of ['run-failed', 'alert', 'recovered', 'run-finished'] as const) {
      built.on(name, (data) => events.push({ at: clock.now(), name, data }));
    }
    return built;
  };
  let sync = build(options.glEntryLines ?? {});
  cleanups.push(() => clock.run(sync.close()));
  const of = <T>(name: string) =>
    events.filter((e) => e.name === name).map((e) => ({ ...(e.data as T), at: e.at }));
  return {
    clock,
    x3sim,
    pbisim,
    pbi,
    get sync() {
      return sync;
    },
    dir,
    restart: async (glEntryLines) => {
      await clock.run(sync.stop());
      await clock.run(sync.close());
      sync = build(glEntryLines);
      sync.start();
    },
    advance: async (ms) => {
      for (let t = 0; t < ms; t += 1000) {
        await clock.advance(1000);
        const finished = async () => {
          while (sync.isRunning()) await new Promise((resolve) => setTimeout(resolve, 2));
        };
        // Once the run is over nothing may move the clock (the next tick is the loop's business, not the run's).
        await clock.run(finished(), { busy: () => TestClock.requestOnTheWire() || !sync.isRunning() });
      }
    },
    failures: () => of('run-failed'),
    alerts: () => of('alert'),
    recovered: () => of('recovered'),
    runs: () => of('run-finished'),
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
  it('a missing tenant permission (service principals may not use the Power BI APIs): alert naming the tenant setting, backoff, recovered', async () => {
    const h = await harness({ reminderMs: 30_000 });
    h.pbisim.control.setServicePrincipalsEnabled(false);
    h.sync.start();
    await h.advance(45_000);
    expect(offsets(h)).toEqual([5, 10, 20, 40]);
    const first = h.failures()[0];
    expect(first).toMatchObject({
      stream: 'glEntryLines',
      phase: 'credentials',
      since: T0 + 5_000,
      attempts: 1,
    });
    expect(h.alerts()).toEqual([
      expect.objectContaining({
        code: first?.code,
        severity: 'critical',
        phase: 'credentials',
        stream: 'glEntryLines',
        since: T0 + 5_000,
        attempts: 1,
        message: expect.stringContaining('Service principals can use Fabric APIs'),
        remedy: expect.stringContaining('Service principals can use Fabric APIs'),
        reminder: false,
      }),
      // Still failing 35 s later (reminder every 30 s): reminded once, with the attempts so far.
      expect.objectContaining({ code: first?.code, reminder: true, attempts: 4, since: T0 + 5_000 }),
    ]);
    expect(first?.code).toMatch(/TENANT|NOT_AUTHORI[SZ]ED|PERMISSION/);
    expect(h.pbisim.control.requests({ route: 'postRows' })).toEqual([]);
    h.pbisim.control.setServicePrincipalsEnabled(true);
    await h.advance(40_000);
    expect(h.recovered()).toEqual([expect.objectContaining({ code: first?.code, attempts: 4 })]);
    expectEveryLineOnce(h);
    expect(await h.everything()).not.toContain(h.pbisim.clientSecret);
  });

  it('executeQueries off in the tenant when a POST lost its answer: one alert, nothing resent, recovered once it is back', async () => {
    const h = await harness();
    h.pbisim.control.setExecuteQueriesEnabled(false);
    // The first POST is applied but its connection drops before the answer: only a row count can tell.
    h.pbisim.control.addFault({ kind: 'drop-after', routes: ['postRows'], times: 1 });
    h.sync.start();
    await h.advance(60_000);
    const failures = h.failures();
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect(failures.every((f) => f.code === 'SYNC_VERIFICATION_UNAVAILABLE')).toBe(true);
    // One alert for the change of state, however many runs found the batch still unverifiable.
    expect(h.alerts()).toEqual([
      expect.objectContaining({
        code: 'SYNC_VERIFICATION_UNAVAILABLE',
        severity: 'critical',
        stream: 'glEntryLines',
        since: failures[0]?.at,
        attempts: 1,
        remedy: expect.any(String),
      }),
    ]);
    // The rows of the unverified batch are in Power BI once; nothing was resent while they could not be counted.
    expect(h.pbisim.control.requests({ route: 'postRows' })).toHaveLength(1);
    expectEveryLineOnce(h);
    expect(await h.sync.deadLetters()).toEqual([]);

    h.pbisim.control.setExecuteQueriesEnabled(true);
    const before = h.failures().length;
    await h.advance(30_000);
    expect(h.recovered()).toEqual([
      expect.objectContaining({ code: 'SYNC_VERIFICATION_UNAVAILABLE', since: failures[0]?.at }),
    ]);
    expect(h.recovered()[0]?.attempts).toBeGreaterThanOrEqual(before);
    // The count confirmed the batch: committed, not resent.
    expect(h.pbisim.control.requests({ route: 'postRows' })).toHaveLength(1);
    expectEveryLineOnce(h);
    expect(h.alerts()).toHaveLength(1);
  });

  it('the dataset deleted under the running service: the next run notices it, alerts SYNC_SINK_RECREATED, creates it again, every line once', async () => {
    const h = await harness();
    h.sync.start();
    await h.advance(5_000);
    expect(h.runs().map((r) => r.result.status)).toEqual(['completed']);
    const first = h.pbisim.control.datasets().find((d) => d.name === 'Failure alerts');
    expect(h.rows()).toHaveLength(h.x3sim.control.lineCount('journalEntry'));

    // Someone cleans the workspace; nothing new arrives, so the next run has nothing to post: it still checks.
    await h.pbi.deleteDataset(first?.id ?? '');
    await h.advance(10_000);
    expect(h.alerts()).toEqual([
      // The run set the dataset up again (a new id): reports must be pointed at it.
      expect.objectContaining({
        code: 'SYNC_SINK_RECREATED',
        severity: 'warning',
        stream: 'glEntryLines',
        data: expect.objectContaining({ from: first?.id, to: expect.any(String) }),
      }),
    ]);
    expect(h.runs().every((r) => r.result.status === 'completed')).toBe(true);
    const datasets = h.pbisim.control.datasets().filter((d) => d.name === 'Failure alerts');
    expect(datasets).toHaveLength(1);
    expect(datasets[0]?.id).not.toBe(first?.id);
    // Every line again, once, in the new dataset.
    expectEveryLineOnce(h);
    expect(await h.sync.deadLetters()).toEqual([]);
  });

  it('a mapping that quarantines every record: completed-with-quarantine, one alert with counts and the first reason, replayed by itself once fixed', async () => {
    // The mistake of the issue: a code ("L1") mapped into an Int64 column, for every line.
    const broken = (e: JournalEntry) => mapGlEntryLines(e).map((row) => ({ ...row, lineNumber: 'L1' }));
    const h = await harness({ glEntryLines: { map: broken }, reminderMs: 10_000 });
    h.sync.start();
    await h.advance(20_000);
    const runs = h.runs();
    expect(runs.map((r) => r.result.status)).toEqual(Array(4).fill('completed-with-quarantine'));
    expect(runs[0]?.result).toMatchObject({ recordsRead: 6, recordsQuarantined: 6, rowsPosted: 0 });
    expect(h.failures()).toEqual([]);
    // One alert for the change of state, not one per tick (every run re-reads the records at the cursor's stamp),
    // and a reminder 10 s later while it lasts.
    expect(h.alerts()).toEqual([
      expect.objectContaining({
        code: 'SYNC_STREAM_QUARANTINED',
        severity: 'critical',
        phase: 'quarantine',
        stream: 'glEntryLines',
        since: T0 + 5_000,
        message: expect.stringContaining('all 6 records read were quarantined'),
        remedy: expect.stringContaining('stream version'),
        data: expect.objectContaining({
          recordsRead: 6,
          recordsQuarantined: 6,
          first: expect.objectContaining({
            key: 'JE0000000',
            field: '[0].lineNumber',
            reason: expect.stringContaining('expected Int64'),
          }),
        }),
      }),
      expect.objectContaining({
        code: 'SYNC_STREAM_QUARANTINED',
        reminder: true,
        attempts: 3,
        since: T0 + 5_000,
      }),
    ]);
    // The cursor moves on past parked records (they are in the dead letters, not lost); the next runs re-read
    // only the records at the cursor's stamp.
    expect(runs[0]?.result.cursorAfter).toEqual({ stamp: '2023-12-31T00:00:00Z', key: 'JE0000005' });
    expect(runs.slice(1).every((r) => r.result.recordsRead < 6)).toBe(true);
    expect(await h.sync.deadLetters({ stream: 'glEntryLines', status: ['open'] })).toHaveLength(6);
    expect(h.rows()).toEqual([]);

    // The mapping is fixed and the service redeployed: the new (derived) stream version replays the parked
    // records by themselves, before new reads, exactly once.
    await h.restart({});
    await h.advance(10_000);
    expect(
      h
        .runs()
        .slice(runs.length)
        .map((r) => r.result.status),
    ).toEqual(['completed', 'completed']);
    expect(await h.sync.deadLetters({ stream: 'glEntryLines', status: ['open'] })).toEqual([]);
    expect(await h.sync.auditLog({ types: ['stream-version-changed'] })).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ deadLetters: 6 }) }),
    ]);
    expectEveryLineOnce(h);
    expect(h.alerts()).toHaveLength(2);
  });
});
