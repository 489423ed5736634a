/** `pnpm bench` for @mlc/powerbi-push-client (see docs/benchmarks.md). */
import { BenchReport, exclusiveBenchRun } from '../../testkit/bench/harness.mjs';
import { benchPacedAppend } from './paced-append.bench.mjs';
import { benchPlanRequests } from './plan-requests.bench.mjs';

await exclusiveBenchRun();
const report = new BenchReport('powerbi-push-client');
await benchPlanRequests(report);
await benchPacedAppend(report);
report.finish();
