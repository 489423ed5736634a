import { afterEach, describe, expect, it } from 'vitest';
import type { SyncEvents } from '../src/index.js';
import { datasetForStreams, powerBISink } from '../src/powerbi.js';
import { countBy, type Loop, startLoop } from './e2e-helpers.js';
import { crashAt } from './helpers.js';

let loop: Loop | undefined;
afterEach(async () => {
  await loop?.close();
  loop = undefined;
});

const STREAMS = {
  glAccounts: false,
  purchaseOrders: false,
  salesInvoices: false,
  products: false,
} as const;

/** Whether each GL line is in Power BI exactly once (by entry and line number). */
function everyLineOnce(l: Loop): boolean {
  return [...countBy(l.rows('GLEntryLines'), (r) => `${r.entryKey}/${r.lineNumber}`).values()].every(
    (n) => n === 1,
  );
}

// The Power BI dataset is deleted under a running sync (someone cleans the workspace). Power BI answers 404 to its
// POSTs; the rows the ledger describes are gone.
describe('e2e: the dataset deleted under the sync', () => {
  it('deleted while nothing changes: the next run of the service notices it, creates it again and posts every record again once', async () => {
    loop = await startLoop({ streams: STREAMS });
    const l = loop;
    const sync = l.sync();
    const alerts: Array<SyncEvents['alert']> = [];
    sync.on('alert', (a) => alerts.push(a));
    for (const r of await l.clock.run(sync.run())) expect(r).toMatchObject({ status: 'completed' });
    const first = l.pbisim.control.datasets()[0];
    const lines = l.x3sim.control.lineCount('journalEntry');
    expect(l.rows('GLEntryLines')).toHaveLength(lines);

    // Nothing new in Sage X3: without a check at the start of the run, no request would reach Power BI, and the
    // reports would stay empty with nobody told until the next change.
    await l.pbi.deleteDataset(first?.id ?? '');
    await l.clock.advance(3_600_000);
    for (const r of await l.clock.run(sync.run())) expect(r).toMatchObject({ status: 'completed' });
    const datasets = l.pbisim.control.datasets();
    expect(datasets).toHaveLength(1);
    expect(datasets[0]?.id).not.toBe(first?.id);
    expect(l.rows('GLEntryLines')).toHaveLength(lines);
    expect(everyLineOnce(l)).toBe(true);
    expect(l.rows('Suppliers')).toHaveLength(l.x3sim.control.count('supplier'));
    expect(
      alerts
        .filter((a) => a.code === 'SYNC_SINK_RECREATED')
        .map((a) => [a.stream, a.data?.from, a.data?.to])
        .sort(),
    ).toEqual([
      ['glEntryLines', first?.id, datasets[0]?.id],
      ['suppliers', first?.id, datasets[0]?.id],
    ]);

    // A run with the dataset in place asks once (one list of the workspace's datasets) and posts nothing.
    const lists = l.pbisim.control.requests({ route: 'listDatasets' }).length;
    for (const r of await l.clock.run(sync.run()))
      expect(r).toMatchObject({ status: 'completed', rowsPosted: 0 });
    expect(l.pbisim.control.requests({ route: 'listDatasets' }).length - lists).toBeLessThanOrEqual(2);
    expect(l.pbisim.control.datasets()).toHaveLength(1);
    await l.clock.run(sync.close());
  }, 120_000);

  it('deleted in the middle of a run: the POST getting 404 fails the run with SYNC_SINK_MISSING, the next run creates it again and posts every record again exactly once (append and replace)', async () => {
    loop = await startLoop({ streams: STREAMS });
    const l = loop;
    // Deleted after the run's start-up check and before its first POST (someone cleans the workspace meanwhile).
    let deleteBeforePost: string | undefined;
    const sync = l.sync({
      hooks: {
        async onProtocolStep(step) {
          if (step !== 'before-post' || deleteBeforePost === undefined) return;
          const id = deleteBeforePost;
          deleteBeforePost = undefined;
          await l.pbi.deleteDataset(id);
        },
      },
    });
    const alerts: Array<SyncEvents['alert']> = [];
    sync.on('alert', (a) => alerts.push(a));
    for (const r of await l.clock.run(sync.run())) expect(r).toMatchObject({ status: 'completed' });
    const first = l.pbisim.control.datasets()[0];
    expect(l.rows('GLEntryLines')).toHaveLength(l.x3sim.control.lineCount('journalEntry'));

    deleteBeforePost = first?.id ?? '';
    l.x3sim.control.insert('journalEntry');
    await l.clock.advance(120_000); // past the safety lag
    const failed = await l.clock.run(sync.run());
    const gl = failed.find((r) => r.stream === 'glEntryLines');
    // The POST got 404 and the workspace list confirmed the deletion: a failed run with an alert, not a dead letter.
    expect(gl && 'error' in gl ? (gl.error as { code?: string }).code : gl).toBe('SYNC_SINK_MISSING');
    expect(alerts).toContainEqual(
      expect.objectContaining({
        code: 'SYNC_SINK_MISSING',
        severity: 'critical',
        stream: 'glEntryLines',
        remedy: expect.stringContaining('creates it again'),
      }),
    );
    expect(await sync.deadLetters()).toEqual([]);

    const again = await l.clock.run(sync.run());
    for (const r of again) expect(r).toMatchObject({ status: 'completed' });
    const datasets = l.pbisim.control.datasets();
    expect(datasets).toHaveLength(1);
    expect(datasets[0]?.id).not.toBe(first?.id);
    // Every record again, once: the old rows, the new entry, the whole supplier snapshot.
    expect(l.rows('GLEntryLines')).toHaveLength(l.x3sim.control.lineCount('journalEntry'));
    expect(everyLineOnce(l)).toBe(true);
    expect(l.rows('Suppliers')).toHaveLength(l.x3sim.control.count('supplier'));
    expect(
      alerts
        .filter((a) => a.code === 'SYNC_SINK_RECREATED')
        .map((a) => a.stream)
        .sort(),
    ).toEqual(['glEntryLines', 'suppliers']);
    const audit = await sync.auditLog({ limit: 10_000 });
    expect(audit.filter((e) => e.type === 'sink-recreated')).toHaveLength(2);

    // Nothing owed any more: the next run posts nothing.
    const posts = l.pbisim.control.requests({ route: 'postRows' }).length;
    for (const r of await l.clock.run(sync.run()))
      expect(r).toMatchObject({ status: 'completed', rowsPosted: 0 });
    expect(l.pbisim.control.requests({ route: 'postRows' }).length).toBe(posts);
    await l.clock.run(sync.close());
  }, 120_000);

  it('a crash in the middle of the re-post: the restarted engine finishes it, still exactly once', async () => {
    // Enough entries for several stamps (the simulator posts them in bulks sharing one), so the re-read must start
    // before the cursor to find what the crash left out.
    loop = await startLoop({
      x3: { size: { journalEntry: 600 } },
      streams: { ...STREAMS, suppliers: false, glEntryLines: { batchSize: 400 } },
    });
    const l = loop;
    const first = l.sync();
    await l.clock.run(first.run());
    await l.clock.run(first.close());
    const lines = l.x3sim.control.lineCount('journalEntry');
    await l.pbi.deleteDataset(l.pbisim.control.datasets()[0]?.id ?? '');
    // A process started after the deletion (a new sink, which knows no dataset id yet): its set-up creates the
    // dataset at once, and the changed identity is what tells the stream its ledger describes rows that are gone.
    // It dies after the re-post's second commit.
    const newSink = () => powerBISink(l.pbi, { dataset: datasetForStreams('Sage X3 e2e', l.streams) });
    const crashing = l.sync({ sink: newSink(), hooks: crashAt('committed', 2) });
    const [crashed] = await l.clock.run(crashing.run());
    expect(crashed && 'error' in crashed ? String(crashed.error) : 'no crash').toMatch(/simulated crash/);
    expect(l.rows('GLEntryLines').length).toBeGreaterThan(0);
    expect(l.rows('GLEntryLines').length).toBeLessThan(lines);
    const restarted = l.sync({ sink: newSink() });
    const [done] = await l.clock.run(restarted.run());
    expect(done).toMatchObject({ status: 'completed' });
    expect(l.pbisim.control.datasets()).toHaveLength(1);
    expect(l.rows('GLEntryLines')).toHaveLength(lines);
    expect(everyLineOnce(l)).toBe(true);
    const [after] = await l.clock.run(restarted.run());
    expect(after).toMatchObject({ status: 'completed', rowsPosted: 0 });
    await l.clock.run(restarted.close());
  }, 120_000);
});
