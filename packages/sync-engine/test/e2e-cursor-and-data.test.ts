import type { JournalEntry } from '@mlc/sage-x3-client';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStateStore, RecordError } from '../src/index.js';
import { mapGlEntryLines, x3Streams } from '../src/sage-x3.js';
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

const lineKey = (r: Record<string, unknown>) => `${r.entryKey}/${r.lineNumber}`;
const allOnce = (rows: Array<Record<string, unknown>>) =>
  [...countBy(rows, lineKey).values()].every((n) => n === 1);

async function cursorOf(l: Loop, stream: string) {
  const store = new MemoryStateStore({ storage: l.storage, clock: l.clock });
  await store.open();
  return store.getCursor(stream);
}

describe('e2e cursor cases (peers.md §7)', () => {
  it('equal-stamp groups cut by pages and batches, and rows added later at the boundary stamp', async () => {
    loop = await startLoop({
      x3: {
        size: { account: 1, journalEntry: 80, supplier: 1, product: 1, purchaseOrder: 1, salesInvoice: 1 },
      },
      streams: ONLY_GL,
    });
    const l = loop;
    const keys = [...new Set((await collectKeys(l)).slice(0, 60))];
    // 60 entries share one stamp: X3 pages of 25 and batches of 40 lines cut through the group.
    for (const key of keys) l.x3sim.control.update('journalEntry', key, { at: '2024-05-20T10:00:00Z' });
    await l.clock.run(l.sync().run());
    expect(l.rows('GLEntryLines')).toHaveLength(l.x3sim.control.lineCount('journalEntry'));
    expect(allOnce(l.rows('GLEntryLines'))).toBe(true);
    expect((await cursorOf(l, 'glEntryLines'))?.stamp).toBe('2024-05-20T10:00:00Z');
    // Two entries inserted later at exactly the boundary stamp are not lost (inclusive bound + ledger).
    l.x3sim.control.insert('journalEntry', { at: '2024-05-20T10:00:00Z' });
    l.x3sim.control.insert('journalEntry', { at: '2024-05-20T10:00:00Z' });
    await l.clock.run(l.sync().run());
    expect(l.rows('GLEntryLines')).toHaveLength(l.x3sim.control.lineCount('journalEntry'));
    expect(allOnce(l.rows('GLEntryLines'))).toBe(true);
  }, 60_000);

  it('records updated during a run: posted once (append), the change audited; nothing lost', async () => {
    // More entries than one look-up chunk (1,000 records), so the last ones are still unread after batch 1.
    loop = await startLoop({
      x3: {
        size: { account: 1, journalEntry: 1500, supplier: 1, product: 1, purchaseOrder: 1, salesInvoice: 1 },
      },
      streams: { ...ONLY_GL, glEntryLines: { batchSize: 2000 } },
    });
    const l = loop;
    const keys = await collectKeys(l);
    const early = keys[0] as string;
    const late = keys.at(-1) as string;
    let changed = false;
    const hooks = {
      onProtocolStep(step: string) {
        if (step !== 'committed' || changed) return;
        changed = true;
        // While the run is between batches: an already posted entry changes, and an unread one moves ahead.
        l.x3sim.control.update('journalEntry', early, { values: { description: 'edited after posting' } });
        l.x3sim.control.update('journalEntry', late, { values: { description: 'edited before reading' } });
      },
    };
    await l.clock.run(l.sync({ hooks }).run());
    await l.clock.advance(120_000);
    const sync = l.sync();
    await l.clock.run(sync.run());
    const rows = l.rows('GLEntryLines');
    expect(rows).toHaveLength(l.x3sim.control.lineCount('journalEntry'));
    expect(allOnce(rows)).toBe(true);
    expect(rows.find((r) => r.entryKey === late)?.entryDescription).toBe('edited before reading');
    expect(rows.find((r) => r.entryKey === early)?.entryDescription).not.toBe('edited after posting');
    const audit = await sync.auditLog({ types: ['changed-after-post'] });
    expect(audit.map((a) => a.key)).toEqual([early]);
  }, 60_000);

  it('commit lag: a record stamped behind the cursor is caught by the lookback window, once', async () => {
    loop = await startLoop({ streams: { ...ONLY_GL, glEntryLines: { lookbackMs: 3_600_000 } } });
    const l = loop;
    await l.clock.run(l.sync().run());
    const cursor = await cursorOf(l, 'glEntryLines');
    // A transaction that committed late: its stamp is 10 minutes behind the cursor.
    const lagging = l.x3sim.control.insert('journalEntry', {
      at: new Date(Date.parse(cursor?.stamp ?? '') - 600_000).toISOString().replace('.000Z', 'Z'),
    });
    await l.clock.advance(120_000);
    await l.clock.run(l.sync().run());
    await l.clock.run(l.sync().run());
    const rows = l.rows('GLEntryLines');
    expect(rows.some((r) => r.entryKey === lagging.key)).toBe(true);
    expect(allOnce(rows)).toBe(true);
    expect(await cursorOf(l, 'glEntryLines')).toEqual(cursor);
  }, 60_000);

  it('safety lag: a record stamped in the last minute waits for the next run; 0 new rows leaves the cursor unchanged', async () => {
    loop = await startLoop({ streams: ONLY_GL });
    const l = loop;
    await l.clock.run(l.sync().run());
    const cursor = await cursorOf(l, 'glEntryLines');
    const [idle] = await l.clock.run(l.sync().run());
    expect(idle).toMatchObject({ rowsPosted: 0, batches: 0 });
    expect(await cursorOf(l, 'glEntryLines')).toEqual(cursor);
    const fresh = l.x3sim.control.insert('journalEntry', {}); // stamped "now"
    await l.clock.advance(30_000);
    await l.clock.run(l.sync().run());
    expect(l.rows('GLEntryLines').some((r) => r.entryKey === fresh.key)).toBe(false);
    await l.clock.advance(60_000);
    await l.clock.run(l.sync().run());
    expect(l.rows('GLEntryLines').some((r) => r.entryKey === fresh.key)).toBe(true);
    expect(allOnce(l.rows('GLEntryLines'))).toBe(true);
  }, 60_000);

  it('the same sync under TZ=America/New_York and TZ=Asia/Kolkata lands the same rows', async () => {
    const original = process.env.TZ;
    const runUnder = async (tz: string) => {
      process.env.TZ = tz;
      const l = await startLoop({ streams: { ...ONLY_GL, suppliers: {} } });
      try {
        await l.clock.run(l.sync().run());
        const strip = (rows: Array<Record<string, unknown>>) =>
          rows
            .map(({ _batch, ...r }) => r)
            .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
        return {
          lines: strip(l.rows('GLEntryLines')),
          suppliers: strip(l.rows('Suppliers')),
          cursor: await cursorOf(l, 'glEntryLines'),
        };
      } finally {
        await l.close();
      }
    };
    try {
      const ny = await runUnder('America/New_York');
      expect(new Date(2024, 0, 1).getTimezoneOffset()).toBe(300); // the zone really changed in this process
      const kolkata = await runUnder('Asia/Kolkata');
      expect(new Date(2024, 0, 1).getTimezoneOffset()).toBe(-330);
      expect(ny.lines.length).toBeGreaterThan(0);
      expect(kolkata).toEqual(ny);
    } finally {
      process.env.TZ = original;
    }
  }, 60_000);
});

describe('e2e data cases', () => {
  it('a malformed record is quarantined with a precise reason; replay after a mapping fix lands it once', async () => {
    const strict = {
      map: (e: JournalEntry) => {
        if (e.description?.includes('#'))
          throw new RecordError({ field: 'description', reason: 'must not contain "#"' });
        return mapGlEntryLines(e);
      },
    };
    loop = await startLoop({ streams: { ...ONLY_GL, glEntryLines: strict } });
    const l = loop;
    const [bad, mapped] = await collectKeys(l);
    l.x3sim.control.update('journalEntry', bad as string, { values: { journalEntryType: '' } });
    l.x3sim.control.update('journalEntry', mapped as string, { values: { description: 'Invoice #42' } });
    await l.clock.advance(120_000);
    const sync = l.sync();
    const [r] = await l.clock.run(sync.run());
    expect(r).toMatchObject({ status: 'completed-with-quarantine', recordsQuarantined: 2 });
    const letters = await sync.deadLetters();
    expect(letters.map((d) => [d.key, d.stage, d.field, d.reason])).toEqual(
      expect.arrayContaining([
        [bad, 'source', 'type', expect.stringMatching(/non-empty code/)],
        [mapped, 'map', 'description', 'must not contain "#"'],
      ]),
    );
    expect(letters.find((d) => d.key === bad)?.raw).toBeTruthy();
    const rows = () => l.rows('GLEntryLines');
    expect(rows().some((x) => x.entryKey === bad || x.entryKey === mapped)).toBe(false);
    expect(rows()).toHaveLength(l.x3sim.control.lineCount('journalEntry') - lines(l, bad) - lines(l, mapped));
    // The mapping is fixed (a new deployment with the default mapping): replay lands the record once.
    l.streams.splice(0, l.streams.length, ...x3Streams(l.x3, { ...ONLY_GL }));
    const fixed = l.sync();
    const replay = await l.clock.run(fixed.replay());
    expect(replay.replayed).toHaveLength(1);
    expect(replay.refused).toEqual([
      expect.objectContaining({ reason: expect.stringMatching(/still invalid at type/) }),
    ]);
    expect(rows().filter((x) => x.entryKey === mapped)).toHaveLength(lines(l, mapped));
    expect(await l.clock.run(fixed.replay())).toMatchObject({ replayed: [], rowsPosted: 0 });
    // The source-invalid record lands once the data is fixed in X3.
    l.x3sim.control.update('journalEntry', bad as string, { values: { journalEntryType: 'GEN' } });
    await l.clock.advance(120_000);
    await l.clock.run(fixed.run());
    expect(rows()).toHaveLength(l.x3sim.control.lineCount('journalEntry'));
    expect(allOnce(rows())).toBe(true);
    // The run's automatic replay (a new definition version) re-reads the fixed record by key (x3Source.readKey):
    // it lands there, once, and the run's own read finds it unchanged.
    expect((await fixed.auditLog({ types: ['replayed'] })).length).toBe(2);
  }, 60_000);
});

async function collectKeys(l: Loop): Promise<string[]> {
  const keys: string[] = [];
  for await (const change of l.x3.changes('journalEntry')) if (change.ok) keys.push(change.key);
  return keys;
}

function lines(l: Loop, key: string | undefined): number {
  const record = l.x3sim.control.get('journalEntry', key ?? '') as { lines?: unknown[] } | undefined;
  return record?.lines?.length ?? 0;
}
