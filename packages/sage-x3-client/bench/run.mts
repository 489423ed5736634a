/** `pnpm bench` for @mlc/sage-x3-client (see docs/benchmarks.md). */
import { BenchReport, exclusiveBenchRun } from '../../testkit/bench/harness.mjs';
import { benchChangesMemory } from './changes-memory.bench.mjs';
import { benchChangesThroughput } from './changes-throughput.bench.mjs';

await exclusiveBenchRun();
const report = new BenchReport('sage-x3-client');
await benchChangesThroughput(report);
await benchChangesMemory(report);
report.finish();
