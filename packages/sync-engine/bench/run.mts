/** `pnpm bench` for @mlc/sync-engine (see docs/benchmarks.md). */
import { BenchReport, exclusiveBenchRun } from '../../testkit/bench/harness.mjs';
import { benchE2eMemory } from './e2e-memory.bench.mjs';
import { benchE2eSync } from './e2e-sync.bench.mjs';
import { benchMemoryStore } from './store-memory.bench.mjs';

await exclusiveBenchRun();
const report = new BenchReport('sync-engine');
await benchMemoryStore(report);
await benchE2eSync(report);
await benchE2eMemory(report);
report.finish();
