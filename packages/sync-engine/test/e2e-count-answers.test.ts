import { afterEach, describe, expect, it } from 'vitest';
import { isSyncError, type SyncEvents } from '../src/index.js';
import { countBy, type Loop, startLoop } from './e2e-helpers.js';

let loop: Loop | undefined;
afterEach(async () => {
  await loop?.close();
  loop = undefined;
});

const ONLY_GL_LINES = {
  glAccounts: false,
  suppliers: false,
  purchaseOrders: false,
  salesInvoices: false,
  products: false,
} as const;

describe('e2e: a count that was not read is not zero', () => {
  // The probe's case: the POST's connection drops after the rows landed, then executeQueries answers 200 with
  // no table. Read as 0 (twice) this resent the batch; it must leave the intent open and alert instead.
  for (const body of [
    '{"results":[{"tables":[]}]}',
    '{"results":[{"tables":[{"rows":[]}]}]}',
    '{"results":[{"tables":[{"rows":[{"[n]":null}]}]}]}',
    '{"results":[{"tables":[{"rows":[{"[n]":',
  ]) {
    it(`never resends on an answer like ${body}`, async () => {
      loop = await startLoop({ streams: ONLY_GL_LINES });
      const l = loop;
      l.pbisim.control.addFault({ kind: 'drop-after', routes: ['postRows'], times: 1, after: 1 });
      l.pbisim.control.addFault({ kind: 'replace-body', routes: ['executeQueries'], body });
      const alerts: Array<SyncEvents['alert']> = [];
      const sync = l.sync();
      sync.on('alert', (a) => alerts.push(a));
      const [first] = await l.clock.run(sync.run());
      expect(isSyncError((first as { error?: unknown }).error, 'SYNC_COUNT_UNREADABLE')).toBe(true);
      expect(alerts.map((a) => a.code)).toContain('SYNC_COUNT_UNREADABLE');
      // The other batches went on while the ambiguous one waited for a count; none of them was posted twice.
      const lineKey = (r: Record<string, unknown>) => `${r.entryKey}/${r.lineNumber}`;
      expect([...countBy(l.rows('GLEntryLines'), lineKey).values()].every((n) => n === 1)).toBe(true);
      // The service heals; the next run verifies the open intent (full count) and commits it without a resend.
      l.pbisim.control.clearFaults();
      await l.clock.advance(60_000);
      const [second] = await l.clock.run(l.sync().run());
      expect(second).toMatchObject({ status: 'completed' });
      const rows = l.rows('GLEntryLines');
      expect(rows).toHaveLength(l.x3sim.control.lineCount('journalEntry'));
      // Every line once: the ambiguous batch (applied in the first run) was never resent.
      expect([...countBy(rows, lineKey).values()].every((n) => n === 1)).toBe(true);
    }, 60_000);
  }
});
