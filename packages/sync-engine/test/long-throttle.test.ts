import { afterEach, describe, expect, it } from 'vitest';
import type { SyncEvents } from '../src/index.js';
import { countBy, type Loop, startLoop, onlyStreams } from './e2e-helpers.js';
import { auditTypes, drive, duplicates, keyCounts, seedOrders, world } from './helpers.js';

describe('long throttles: honour them, say so at once, never give up', () => {
  it('parks the stream for a Retry-After beyond the cap, says so at once, resumes by itself; no dead letter', async () => {
    const w = world();
    seedOrders(w.source, 250);
    w.sink.faults.push({ kind: 'none' }, { kind: 'throttled', retryAfterMs: 3_392_000 });
    const throttled: Array<SyncEvents['throttled'] & { at: number; posts: number }> = [];
    const failures: unknown[] = [];
    const sync = w.sync();
    sync.on('throttled', (e) => throttled.push({ ...e, at: w.clock.now(), posts: w.sink.posts }));
    sync.on('batch-failed', (e) => failures.push(e));
    const start = w.clock.now();
    const [result] = await drive(w.clock, sync.run());
    expect(result).toMatchObject({ status: 'completed', rowsPosted: 250 });
    // Told at once (right after the throttled POST, not after the wait), with the resume time.
    expect(throttled).toHaveLength(1);
    expect(throttled[0]).toMatchObject({ stream: 'orders', ms: 3_392_000, posts: 2 });
    expect(throttled[0]!.resumeAt! - throttled[0]!.at).toBe(3_392_000);
    // Resumed by itself after the wait: the same batch posted again, nothing resent twice, nothing failed.
    expect(w.clock.now() - start).toBeGreaterThanOrEqual(3_392_000);
    expect(w.sink.posts).toBe(4);
    expect(failures).toEqual([]);
    expect(await sync.deadLetters()).toEqual([]);
    expect(keyCounts(w.sink).size).toBe(250);
    expect(duplicates(w.sink)).toEqual([]);
    expect(result).toMatchObject({ throttledMs: 3_392_000 });
    expect(await auditTypes(w.store)).toContain('throttled');
    expect(await auditTypes(w.store)).not.toContain('batch-failed');
  });

  it('a throttle is not a failed attempt: more throttles than the attempt cap still land the batch', async () => {
    const w = world();
    seedOrders(w.source, 10);
    for (let i = 0; i < 8; i++) w.sink.faults.push({ kind: 'throttled', retryAfterMs: 600_000 });
    const [result] = await drive(w.clock, w.sync().run());
    expect(result).toMatchObject({ status: 'completed', rowsPosted: 10 });
    expect(w.sink.posts).toBe(9);
    expect(duplicates(w.sink)).toEqual([]);
  });
});

let loop: Loop | undefined;
afterEach(async () => {
  await loop?.close();
  loop = undefined;
});

describe('e2e: a 429 with Retry-After: 3392 from the Power BI simulator', () => {
  it('parks, resumes by itself, and lands every line exactly once (no dead letter, no 21 retries)', async () => {
    loop = await startLoop({
      streams: onlyStreams('glEntryLines'),
    });
    const l = loop;
    l.pbisim.control.addFault({
      kind: 'throttle',
      routes: ['postRows'],
      retryAfterSeconds: 3392,
      after: 1,
      times: 1,
    });
    const sync = l.sync();
    const throttled: Array<SyncEvents['throttled']> = [];
    sync.on('throttled', (e) => throttled.push(e));
    const [result] = await l.clock.run(sync.run());
    expect(result).toMatchObject({ status: 'completed' });
    expect(throttled.find((e) => e.resumeAt !== undefined)).toMatchObject({ ms: 3_392_000 });
    // One 429, then the same batch again after the wait — not a 429 every 120 s.
    expect(l.pbisim.control.requests({ route: 'postRows' }).filter((r) => r.status === 429)).toHaveLength(1);
    expect(await sync.deadLetters()).toEqual([]);
    const rows = l.rows('GLEntryLines');
    expect(rows).toHaveLength(l.x3sim.control.lineCount('journalEntry'));
    expect([...countBy(rows, (r) => `${r.entryKey}/${r.lineNumber}`).values()].every((n) => n === 1)).toBe(
      true,
    );
  }, 60_000);
});
