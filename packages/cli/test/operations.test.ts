import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_CONFIG, type World, leaks, runMlc, startWorld } from './mlc-harness.js';

const STRICT = { MLC_STRICT_NAMES: '1' };

describe('mlc run, status, runs, audit and dead letters against the simulators', () => {
  let w: World;
  let badKey: string;
  let letterId: string;
  const supplierRows = (key?: string) => {
    const dataset = w.pbisim.control.datasets()[0];
    if (!dataset) return [];
    return w.pbisim.control.rows(dataset.id, 'Suppliers').filter((r) => key === undefined || r.key === key);
  };

  beforeAll(async () => {
    w = await startWorld();
    const [first, second] = w.x3sim.control.records('supplier');
    badKey = first?.key ?? '';
    // Stamped a minute ago, outside the fixture's 1 s safety lag: stamped "now", they were read only when the `mlc`
    // process took more than a second to start (a loaded machine), and the test failed on a quiet one.
    const at = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString().replace('.000Z', 'Z');
    w.x3sim.control.update('supplier', badKey, { values: { companyName: 'Acme #42' }, at });
    w.x3sim.control.update('supplier', second?.key ?? '', { values: { companyName: 'Beta #7' }, at });
  });
  afterAll(() => w?.close());

  it('run: one line per event when not a terminal, a summary, exit 0; records the strict mapping refuses are parked', async () => {
    const r = await w.mlc(['run', '--stream', 'suppliers'], STRICT);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/suppliers run \S+ started: reads \[-∞, /);
    expect(r.stdout).toContain(`suppliers record ${badKey} parked (map name: must not contain "#")`);
    expect(r.stdout).toMatch(/suppliers batch \S+ committed \(\d+ rows/);
    expect(r.stdout).toMatch(
      /suppliers run \S+ completed-with-quarantine: \d+ read, \d+ rows posted, 2 parked/,
    );
    expect(r.stdout).toMatch(/ALERT \[error\] SYNC_QUARANTINE_THRESHOLD: stream suppliers: 2 of \d+ records/);
    expect(r.stdout).toMatch(/^suppliers\s+completed-with-quarantine\s+\d+\s+\d+\s+2\s+/m);
    expect(supplierRows(badKey)).toHaveLength(0);
    expect(supplierRows().length).toBe(w.x3sim.control.count('supplier') - 2);
    expect(leaks(r)).toEqual([]);
  });

  it('status: the table and --json show the run, the parked records and the alert with its remedy', async () => {
    const table = await w.mlc(['status']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^STREAM\s+TABLE\s+LAST RUN/m);
    // LAG reads '12s' or, on a slow machine, '1m 17s' (two words).
    expect(table.stdout).toMatch(
      /^suppliers\s+Suppliers\s+completed-with-quarantine\s+\S+\s+\d+\/\d+\s+(?:\d+[dhm] )?\S+\s+\S+\s+0\s+2\/0\/0/m,
    );
    expect(table.stdout).toMatch(
      /! \[warning\] SYNC_DEAD_LETTERS_OPEN: stream suppliers: 2 open dead letter\(s\)/,
    );
    expect(table.stdout).toMatch(/remedy: Records or batches are parked/);
    const json = await w.mlc(['status', '--json']);
    const status = JSON.parse(json.stdout);
    expect(status.streams[0]).toMatchObject({
      stream: 'suppliers',
      deadLetters: { open: 2, replayed: 0, discarded: 0 },
      rowsPosted: supplierRows().length,
      ledgerSize: supplierRows().length,
      openIntents: { count: 0 },
      lastRun: { outcome: 'completed-with-quarantine', counts: { recordsQuarantined: 2 } },
    });
    expect(status.streams[0].nextRunAt).toBeGreaterThan(Date.now() - 5_000);
  });

  it('runs and audit (filters by type, key, batch and since)', async () => {
    const runs = await w.mlc(['runs']);
    expect(runs.code).toBe(0);
    expect(runs.stdout).toMatch(/^\S+Z\s+suppliers\s+completed-with-quarantine\s+\S+\s+\d+\s+\d+\s+2\s+run/m);
    const parked = await w.mlc(['audit', '--type', 'record-quarantined']);
    expect(parked.stdout.trim().split('\n')).toHaveLength(2);
    expect(parked.stdout).toContain(`record-quarantined     suppliers key ${badKey}:`);
    const byKey = await w.mlc(['audit', '--key', badKey, '--json']);
    const entries = JSON.parse(byKey.stdout) as Array<{ key: string; type: string }>;
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((e) => e.key === badKey)).toBe(true);
    // Suppliers is a replace-mode stream: its rows land in table rebuilds.
    const committed = JSON.parse((await w.mlc(['audit', '--type', 'rebuild-finished', '--json'])).stdout);
    const batchId = committed[0].batchId as string;
    const byBatch = await w.mlc(['audit', '--batch', batchId]);
    expect(byBatch.stdout).toContain(`batch ${batchId}`);
    expect(
      byBatch.stdout
        .split('\n')
        .filter(Boolean)
        .every((l) => l.includes(batchId)),
    ).toBe(true);
    const future = await w.mlc(['audit', '--since', new Date(Date.now() + 3_600_000).toISOString()]);
    expect(future.stdout.trim()).toBe('no matching audit entries');
    const bad = await w.mlc(['audit', '--since', 'yesterday-ish']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--since takes an ISO-8601 instant or a duration/);
  });

  it('dead-letters list and show: the parked record with its field, reason and raw record', async () => {
    const list = await w.mlc(['dead-letters', 'list']);
    expect(list.code).toBe(0);
    const line = list.stdout.split('\n').find((l) => l.includes(badKey)) ?? '';
    expect(line).toMatch(/suppliers\s+record\s+open\s+\S+\s+name\s+must not contain "#"/);
    letterId = line.split(/\s+/)[0] ?? '';
    const show = await w.mlc(['dead-letters', 'show', letterId]);
    expect(show.code).toBe(0);
    const letter = JSON.parse(show.stdout);
    expect(letter).toMatchObject({ id: letterId, key: badKey, stage: 'map', field: 'name', status: 'open' });
    expect(JSON.stringify(letter.raw)).toContain('Acme #42');
    const missing = await w.mlc(['dead-letters', 'show', 'no-such-letter']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no dead letter no-such-letter/);
  });

  it('dead-letters replay brings the parked record into Power BI exactly once', async () => {
    // The fix is deployed: the config runs without the strict mapping.
    const replay = await w.mlc(['dead-letters', 'replay', letterId]);
    expect(replay.code, replay.stdout + replay.stderr).toBe(0);
    // Replace mode: the replayed record joins the snapshot and the table is rebuilt with it.
    expect(replay.stdout).toMatch(/replayed 1 dead letter\(s\), \d+ row\(s\) posted/);
    expect(supplierRows(badKey)).toHaveLength(1);
    expect(supplierRows(badKey)[0]).toMatchObject({ name: 'Acme #42' });
    const again = await w.mlc(['dead-letters', 'replay', letterId]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/replayed 0 dead letter\(s\), 0 row\(s\) posted/);
    const run = await w.mlc(['run']);
    expect(run.code).toBe(0);
    expect(supplierRows(badKey)).toHaveLength(1);
    const replayed = await w.mlc(['dead-letters', 'list', '--status', 'replayed']);
    expect(replayed.stdout).toContain(letterId);
  });

  it('dead-letters discard closes the other parked record, audited with the reason', async () => {
    const list = JSON.parse((await w.mlc(['dead-letters', 'list', '--json'])).stdout) as Array<{
      id: string;
    }>;
    expect(list).toHaveLength(1);
    const id = list[0]?.id ?? '';
    const r = await w.mlc(['dead-letters', 'discard', id, '--reason', 'test supplier, never to be reported']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`✔ discarded ${id}`);
    const status = JSON.parse((await w.mlc(['status', '--json'])).stdout);
    expect(status.streams[0].deadLetters).toEqual({ open: 0, replayed: 1, discarded: 1 });
    expect(status.alerts).toEqual([]);
    const audit = await w.mlc(['audit', '--type', 'discarded']);
    expect(audit.stdout).toMatch(/dead letter \S+ discarded: test supplier, never to be reported/);
  });

  it('run --json: one JSON object per event and a summary', async () => {
    w.x3sim.control.update('supplier', badKey, { values: { companyName: 'Acme renamed' } });
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // past the safety lag
    const r = await w.mlc(['run', '--json']);
    expect(r.code).toBe(0);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string });
    expect(events.map((e) => e.event)).toEqual(
      expect.arrayContaining(['run-started', 'batch-committed', 'run-finished']),
    );
    expect(events.at(-1)).toMatchObject({
      event: 'summary',
      results: [
        { stream: 'suppliers', status: 'completed', rowsPosted: supplierRows().length, rebuilt: true },
      ],
    });
    expect(supplierRows(badKey).map((row) => row.name)).toEqual(['Acme renamed']);
  });

  it('start follows the schedule and stops cleanly on SIGTERM (exit 0)', async () => {
    let sent = false;
    const r = await runMlc(['start', '--config', FIXTURE_CONFIG], w.env, {
      onSpawn: (child) => {
        let seen = '';
        child.stdout?.on('data', (d: Buffer) => {
          seen += d.toString();
          // Two scheduled runs (every 2 s), then stop.
          if (!sent && (seen.match(/run \S+ completed/g) ?? []).length >= 2) {
            sent = true;
            child.kill('SIGTERM');
          }
        });
      },
    });
    expect(sent).toBe(true);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/mlc started: suppliers \*\/2 \* \* \* \* \*/);
    expect(r.stdout).toMatch(/SIGTERM: stopping/);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('mlc stopped');
  });

  it('usage and configuration errors exit 2 with one line', async () => {
    const unknown = await runMlc(['frobnicate'], w.env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command frobnicate/);
    const noConfig = await runMlc(['status', '--config', '/nonexistent/mlc.config.mjs'], w.env);
    expect(noConfig.code).toBe(2);
    expect(noConfig.stderr).toMatch(/config file \/nonexistent\/mlc\.config\.mjs does not exist/);
    const missingEnv = await runMlc(['status', '--config', FIXTURE_CONFIG], {});
    expect(missingEnv.code).toBe(2);
    expect(missingEnv.stderr).toMatch(/the config function threw: set MLC_X3_URL/);
  });
});
