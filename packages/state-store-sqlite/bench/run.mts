/**
 * `pnpm bench` for @mlc/state-store-sqlite (see docs/benchmarks.md): the shared StateStore benchmark on a
 * SQLite file in a temporary folder, with the default `synchronous: 'full'` and with `'normal'` for comparison.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchStateStore } from '../../sync-engine/bench/state-store.bench.mjs';
import { BenchReport, selected, exclusiveBenchRun } from '../../testkit/bench/harness.mjs';
import { createSqliteStateStore } from '../src/index.js';

await exclusiveBenchRun();
const report = new BenchReport('state-store-sqlite');
for (const synchronous of ['full', 'normal'] as const) {
  const label = `sqlite-${synchronous}`;
  if (!selected(`store-${label}`)) continue;
  const dir = mkdtempSync(join(tmpdir(), 'mlc-bench-sqlite-'));
  const store = createSqliteStateStore({ path: join(dir, 'state.sqlite'), synchronous });
  try {
    await store.open();
    await benchStateStore(report, label, store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
report.finish();
