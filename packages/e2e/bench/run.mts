/** `pnpm bench` for the whole system (see docs/benchmarks.md): end-to-end sync throughput and memory. */
import { BenchReport, exclusiveBenchRun } from '../../testkit/bench/harness.mjs';
import { benchE2eMemory } from './e2e-memory.bench.mjs';
import { benchE2eSync } from './e2e-sync.bench.mjs';
import { benchCpuPerMillion } from './versus/cpu-per-million.bench.mjs';
import { benchVersus } from './versus/versus.bench.mjs';

await exclusiveBenchRun();
const report = new BenchReport('e2e');
await benchE2eSync(report);
await benchE2eMemory(report);
await benchVersus(report);
await benchCpuPerMillion(report);
report.finish();
