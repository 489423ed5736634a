/**
 * Validation + encoding + splitting throughput: `planRequests()` turns rows into POST bodies of ≤ 10,000 rows and
 * ≤ 16 MB, validating every value first. Pure CPU, no I/O.
 */
import {
  type BenchReport,
  check,
  iterations,
  median,
  mb,
  selected,
  timeIt,
} from '../../testkit/bench/harness.mjs';
import { planRequests } from '../src/index.js';
import { glLines, glTable } from './gl-lines.mjs';

const ROWS = 100_000;

/** Runs the `planRequests` benchmark into `report`. */
export async function benchPlanRequests(report: BenchReport): Promise<void> {
  if (!selected('planRequests')) return;
  report.section(`planRequests: validate + encode + split ${ROWS.toLocaleString('en-US')} GL lines`);
  const rows = glLines(ROWS);
  const { durationsMs, last } = await timeIt(
    () => planRequests(glTable, rows, { batchId: 'bench-batch-0001' }),
    {
      warmup: 2,
      iterations: iterations(7),
    },
  );
  const bytes = last.reduce((sum, request) => sum + request.bytes, 0);
  check(last.reduce((sum, request) => sum + request.rowCount, 0) === ROWS, 'every row planned once');
  check(last.length === Math.ceil(ROWS / 10_000), 'requests of 10,000 rows');
  const seconds = median(durationsMs) / 1000;
  const name = 'planRequests-100k-gl-lines';
  report.record(name, 'throughput', ROWS / seconds, 'rows/s', `median of ${durationsMs.length}`);
  report.record(name, 'throughput_bytes', mb(bytes) / seconds, 'MB/s', 'UTF-8 JSON bodies produced');
  report.record(name, 'median_time', median(durationsMs), 'ms');
  report.record(name, 'requests', last.length, 'count');
  report.record(name, 'bytes_per_row', bytes / ROWS, 'B/row');

  // Baseline: plain JSON.stringify of the same rows in chunks of 10,000, no validation. The ratio shows what
  // validation and exact encoding cost on top of serialising.
  const baseline = await timeIt(
    () => {
      for (let start = 0; start < ROWS; start += 10_000) JSON.stringify(rows.slice(start, start + 10_000));
    },
    { warmup: 2, iterations: iterations(7) },
  );
  const baseName = 'json-stringify-100k-gl-lines';
  report.record(baseName, 'throughput', ROWS / (median(baseline.durationsMs) / 1000), 'rows/s', 'baseline');
  report.record(
    name,
    'time_vs_json_stringify',
    median(durationsMs) / median(baseline.durationsMs),
    'ratio',
    'planRequests time / JSON.stringify time',
  );
}
