/** `pnpm bench` for @mlc/sync-engine (see docs/benchmarks.md). */
import { BenchReport } from '../../testkit/bench/harness.mjs';
import { benchE2eSync } from './e2e-sync.bench.mjs';

const report = new BenchReport('sync-engine');
await benchE2eSync(report);
report.finish();
