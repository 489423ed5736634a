/** `pnpm bench` for @mlc/sync-engine (see docs/benchmarks.md). */
import { BenchReport, exclusiveBenchRun } from '../../testkit/bench/harness.mjs';
import { benchMemoryStore } from './store-memory.bench.mjs';

await exclusiveBenchRun();
const report = new BenchReport('sync-engine');
await benchMemoryStore(report);
report.finish();
