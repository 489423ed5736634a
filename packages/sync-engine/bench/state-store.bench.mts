/**
 * The two hot calls of any `StateStore`, measured the same way for every implementation (memory here; SQLite and
 * PostgreSQL from their own packages' benches):
 * - `beginBatch` + `commitBatch` of batches of 10,000 GL-line rows with their 10,000 ledger writes;
 * - `lookupLedger` of 10,000 keys on a ledger of 200,000 keys (the dedupe look-up of one batch).
 */
import {
  type BenchReport,
  check,
  iterations,
  median,
  percentile,
  selected,
} from '../../testkit/bench/harness.mjs';
import type { BatchIntent, Fence, LedgerWrite, Row, StateStore } from '../src/index.js';

const BATCH_ROWS = 10_000;
const LEDGER_KEYS = 200_000;
const LOOKUP_KEYS = 10_000;
const STREAM = 'bench-gl';

function keyOf(index: number): string {
  return `GEN~JE${String(index).padStart(9, '0')}`;
}

function stampOf(index: number): string {
  return new Date(Date.UTC(2023, 0, 1) + index * 1000).toISOString().replace('.000Z', 'Z');
}

/** One batch intent: 10,000 GL-line rows, one ledger write per row, the cursor after it. */
function intentOf(batch: number, run: string): BatchIntent {
  const rows: Row[] = [];
  const entries: LedgerWrite[] = [];
  for (let i = 0; i < BATCH_ROWS; i++) {
    const index = batch * BATCH_ROWS + i;
    const key = keyOf(index);
    rows.push({
      entryKey: key,
      entryType: 'GEN',
      entryNumber: key.slice(4),
      company: 'FR10',
      site: 'FR011',
      journal: 'VEN',
      accountingDate: '2023-06-30T00:00:00.000Z',
      currency: 'EUR',
      status: 2,
      entryDescription: `Invoice SI${String(index).padStart(7, '0')} Müller & Söhne GmbH`,
      lineNumber: 1 + (i % 4),
      account: '411000',
      businessPartner: `C${String(index % 5000).padStart(6, '0')}`,
      sign: 1,
      transactionAmount: (index % 100_000) / 100,
      ledgerAmount: (index % 100_000) / 100,
      ledgerCurrency: 'EUR',
      lineDescription: 'Line of the posting (net, VAT 20 %)',
      updatedAt: stampOf(index),
    });
    entries.push({
      key,
      hash: `h${index.toString(16).padStart(31, '0')}`,
      version: 1,
      stamp: stampOf(index),
      rowCount: 1,
    });
  }
  return {
    batchId: `${run}-${batch}`,
    stream: STREAM,
    table: 'GLEntryLines',
    kind: 'rows',
    mode: 'append',
    rows,
    entries,
    cursor: { stamp: stampOf((batch + 1) * BATCH_ROWS - 1), key: keyOf((batch + 1) * BATCH_ROWS - 1) },
    rowCount: rows.length,
    createdAt: Date.now(),
    attempts: 0,
    status: 'open',
  };
}

/** A deterministic pseudo-random generator (xorshift), so every store looks up the same keys. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

/**
 * Measures an opened, empty store under `label` (e.g. `sqlite`). Fills its ledger to 200,000 keys through 20
 * committed batches (the commit measurement), then runs the look-ups.
 */
export async function benchStateStore(report: BenchReport, label: string, store: StateStore): Promise<void> {
  const lease = await store.acquireLease({ name: STREAM, owner: 'bench', ttlMs: 3_600_000 });
  if (!lease) throw new Error('lease not granted');
  const fence: Fence = { name: lease.name, token: lease.token };
  const batches = LEDGER_KEYS / BATCH_ROWS;

  if (selected(`store-${label}`)) {
    report.section(
      `${label} StateStore: begin + commit of ${batches} batches of 10,000 rows, ledger to 200k keys`,
    );
  }
  // The intents are built before timing; only the store calls are measured.
  const beginMs: number[] = [];
  const commitMs: number[] = [];
  for (let batch = 0; batch < batches; batch++) {
    const intent = intentOf(batch, label);
    const t0 = performance.now();
    await store.beginBatch(intent, fence);
    const t1 = performance.now();
    await store.commitBatch(intent.batchId, fence, { at: Date.now() });
    const t2 = performance.now();
    beginMs.push(t1 - t0);
    commitMs.push(t2 - t1);
  }
  check((await store.countLedger(STREAM)) === LEDGER_KEYS, 'the ledger holds 200k keys');
  const name = `store-${label}`;
  const pairMs = beginMs.map((ms, i) => ms + (commitMs[i] ?? 0));
  report.record(name, 'commit_batches', 1000 / median(commitMs), 'batches/s', 'commitBatch of 10k rows');
  report.record(name, 'commit_p50', median(commitMs), 'ms', 'per 10k-row batch');
  report.record(name, 'begin_p50', median(beginMs), 'ms', 'beginBatch (intent with 10k rows)');
  report.record(
    name,
    'begin_commit_rows',
    (BATCH_ROWS * 1000) / median(pairMs),
    'rows/s',
    `begin + commit, median of ${batches}`,
  );

  // Look-ups: 10,000 keys per call, 3 of 4 present (a batch of mostly known records) in random order.
  const next = random(42);
  const keySets = Array.from({ length: 3 + iterations(30) }, () =>
    Array.from({ length: LOOKUP_KEYS }, () =>
      next() < 0.75 ? keyOf(Math.floor(next() * LEDGER_KEYS)) : `MISSING~${Math.floor(next() * 1e9)}`,
    ),
  );
  const lookupMs: number[] = [];
  for (const [index, keys] of keySets.entries()) {
    const t0 = performance.now();
    const found = await store.lookupLedger(STREAM, keys);
    const elapsed = performance.now() - t0;
    check(found.size > LOOKUP_KEYS / 2, `look-up finds the present keys (found ${found.size})`);
    if (index >= 3) lookupMs.push(elapsed); // the first 3 are warm-up
  }
  report.record(name, 'lookup_10k_p50', median(lookupMs), 'ms', 'lookupLedger, 10k keys, ledger 200k');
  report.record(name, 'lookup_10k_p95', percentile(lookupMs, 95), 'ms', `${lookupMs.length} calls`);
  report.record(name, 'lookup_keys', (LOOKUP_KEYS * 1000) / median(lookupMs), 'keys/s');
  await store.releaseLease(lease);
}
