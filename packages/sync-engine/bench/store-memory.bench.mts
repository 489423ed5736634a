/** The StateStore benchmark on the in-memory store: the baseline the persistent stores are compared with. */
import type { BenchReport } from '../../testkit/bench/harness.mjs';
import { selected } from '../../testkit/bench/harness.mjs';
import { MemoryStateStore } from '../src/index.js';
import { benchStateStore } from './state-store.bench.mjs';

/** Runs the StateStore benchmark against a fresh `MemoryStateStore`. */
export async function benchMemoryStore(report: BenchReport): Promise<void> {
  if (!selected('store-memory')) return;
  const store = new MemoryStateStore();
  await store.open();
  try {
    await benchStateStore(report, 'memory', store);
  } finally {
    await store.close();
  }
}
