/**
 * Shared measuring tools of the workspace benchmarks (`pnpm bench`). Dev-only: no package exports this file;
 * each package's `bench/` imports it by relative path.
 *
 * Every measurement is printed twice: in a human table per section, and as one JSON line
 * `{"bench":…,"metric":…,"value":…,"unit":…}` so a machine can compare ratios across runs
 * (`grep '^{"bench"'`).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/** One measurement, as printed on its JSON line. */
export interface Measurement {
  /** Benchmark name, prefixed with the package (e.g. `powerbi-push-client/planRequests`). */
  bench: string;
  /** What was measured (e.g. `throughput`, `p95`, `heap_ratio`). */
  metric: string;
  /** The number (rounded to 4 significant digits). */
  value: number;
  /** Unit of `value` (e.g. `rows/s`, `ms`, `MB`, `ratio`, `count`). */
  unit: string;
}

const LOCK_DIR = join(tmpdir(), 'mlc-bench.lock');

/**
 * Waits until no other benchmark process of this workspace runs, then holds the lock until this process exits.
 * `pnpm -r run bench` starts independent packages in parallel (workspace concurrency), and two benchmarks
 * sharing 2 cores would measure each other; the lock makes them take turns whatever runs them. A lock left by a
 * dead process is taken over.
 */
export async function exclusiveBenchRun(): Promise<void> {
  let announced = false;
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      writeFileSync(join(LOCK_DIR, 'pid'), String(process.pid));
      process.on('exit', () => rmSync(LOCK_DIR, { recursive: true, force: true }));
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let holder = Number.NaN;
    try {
      holder = Number(readFileSync(join(LOCK_DIR, 'pid'), 'utf8'));
    } catch {
      // Being written right now: look again shortly.
    }
    if (Number.isInteger(holder) && !isAlive(holder)) {
      rmSync(LOCK_DIR, { recursive: true, force: true });
      continue;
    }
    if (!announced) {
      console.error(
        `[bench] waiting for another benchmark (pid ${holder}) to finish, so they do not share the CPU`,
      );
      announced = true;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Rounds to 4 significant digits, so JSON lines stay readable and stable. */
export function round(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const digits = Math.max(0, 3 - Math.floor(Math.log10(Math.abs(value))));
  return Number(value.toFixed(Math.min(digits, 6)));
}

/** Median of the samples (mean of the two middle ones for an even count). */
export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

/** Nearest-rank percentile (`p` in 0–100) with linear interpolation between ranks. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lowValue = sorted[low] ?? Number.NaN;
  const highValue = sorted[high] ?? lowValue;
  return lowValue + (highValue - lowValue) * (rank - low);
}

/** Options of {@link timeIt}. */
export interface TimeItOptions {
  /** Runs whose time is thrown away (JIT warm-up, connection pools, caches). @default 1 */
  warmup?: number;
  /** Measured runs. @default 5 */
  iterations?: number;
}

/**
 * Runs `fn` `warmup` times unmeasured, then `iterations` times measured with `performance.now()`, and returns
 * the measured durations in ms with the value the last run returned, and `busy`: the share of the measured
 * time this thread's event loop was busy (1 = CPU-bound here; lower = waiting on I/O, e.g. on a simulator). `fn` receives the run index (warm-ups are
 * negative) so each run can use fresh keys or ids.
 */
export async function timeIt<T>(
  fn: (run: number) => T | Promise<T>,
  options: TimeItOptions = {},
): Promise<{ durationsMs: number[]; last: T; busy: number }> {
  const warmup = options.warmup ?? 1;
  const iterations = options.iterations ?? 5;
  let last: T | undefined;
  for (let i = 0; i < warmup; i++) last = await fn(i - warmup);
  const durationsMs: number[] = [];
  const eluStart = performance.eventLoopUtilization();
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    last = await fn(i);
    durationsMs.push(performance.now() - started);
  }
  const busy = performance.eventLoopUtilization(eluStart).utilization;
  return { durationsMs, last: last as T, busy };
}

/** A number of iterations, overridable with the `BENCH_ITERATIONS` environment variable (for quick checks). */
export function iterations(defaultCount: number): number {
  const fromEnv = Number(process.env.BENCH_ITERATIONS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : defaultCount;
}

/**
 * Whether a benchmark runs: all of them, or those whose name contains one of the comma-separated words of the
 * `BENCH_ONLY` environment variable (e.g. `BENCH_ONLY=planRequests,lookup`).
 */
export function selected(name: string): boolean {
  const only = process.env.BENCH_ONLY?.split(',')
    .map((word) => word.trim().toLowerCase())
    .filter(Boolean);
  return !only || only.length === 0 || only.some((word) => name.toLowerCase().includes(word));
}

/** `global.gc` when node runs with `--expose-gc`, else `undefined`. */
export function exposedGc(): (() => void) | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  return typeof gc === 'function' ? gc : undefined;
}

/** Result of a {@link HeapSampler}. */
export interface HeapPeak {
  /** Highest `heapUsed` seen minus the baseline (garbage included, so it depends on GC timing), in bytes. */
  peakUsedGrowth: number;
  /** Highest heap left after a forced full GC minus the baseline: what the code really retained, in bytes. */
  peakRetainedGrowth: number;
  /** Number of forced-GC samples taken. */
  samples: number;
}

/**
 * Samples the V8 heap of this thread while code runs. Every `intervalMs` it records `heapUsed`, then forces a
 * full GC (needs `--expose-gc`) and records what is left: the peak of the latter is the memory the code holds
 * at once, which is what "streams stay streams" is about. The sampler runs on timers, so the measured code must
 * yield to the event loop (any I/O does).
 */
export class HeapSampler {
  readonly #gc: () => void;
  readonly #intervalMs: number;
  #baseline = 0;
  #peakUsed = 0;
  #peakRetained = 0;
  #samples = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: { intervalMs?: number } = {}) {
    const gc = exposedGc();
    if (!gc) throw new Error('HeapSampler needs node --expose-gc (the bench scripts pass it)');
    this.#gc = gc;
    this.#intervalMs = options.intervalMs ?? 100;
  }

  /** Collects garbage twice, takes the baseline and starts sampling. */
  start(): void {
    this.#gc();
    this.#gc();
    this.#baseline = process.memoryUsage().heapUsed;
    this.#peakUsed = this.#baseline;
    this.#peakRetained = this.#baseline;
    this.#samples = 0;
    this.#timer = setInterval(() => this.#sample(), this.#intervalMs);
  }

  /** Takes a last sample and stops. */
  stop(): HeapPeak {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#sample();
    return {
      peakUsedGrowth: Math.max(0, this.#peakUsed - this.#baseline),
      peakRetainedGrowth: Math.max(0, this.#peakRetained - this.#baseline),
      samples: this.#samples,
    };
  }

  /**
   * Takes a sample now. Call it from inside the measured loop (e.g. every few records) when timer samples could
   * fall between the moments that matter, such as between two pages.
   */
  sample(): void {
    if (this.#timer) this.#sample();
  }

  #sample(): void {
    this.#peakUsed = Math.max(this.#peakUsed, process.memoryUsage().heapUsed);
    this.#gc();
    this.#peakRetained = Math.max(this.#peakRetained, process.memoryUsage().heapUsed);
    this.#samples++;
  }
}

/**
 * Retained-heap growth below this is measurement noise (JIT code, inline caches, a socket buffer), not data the
 * code holds: a page of 200 X3 records is about 0.3 MB, a batch of 10,000 rows several MB.
 */
export const HEAP_NOISE_FLOOR_BYTES = 1024 * 1024;

/**
 * `large / small` of two peak retained growths, each raised to {@link HEAP_NOISE_FLOOR_BYTES} first. A growth can
 * be 0 (every sample at or under the baseline); dividing by it, or by 1 byte, printed ratios in the hundreds of
 * thousands for a reader that streams perfectly. With the floor, two growths under it compare as 1, and code that
 * buffers the table still shows its real ratio (tens of MB over a floored small run).
 */
export function retainedGrowthRatio(large: HeapPeak, small: HeapPeak): number {
  const floor = (bytes: number) => Math.max(HEAP_NOISE_FLOOR_BYTES, bytes);
  return floor(large.peakRetainedGrowth) / floor(small.peakRetainedGrowth);
}

/** Runs `fn` under a {@link HeapSampler} (passed to it, for extra samples) and returns its result with the peaks. */
export async function measureHeap<T>(
  fn: (sampler: HeapSampler) => Promise<T>,
  options: { intervalMs?: number } = {},
): Promise<{ result: T; heap: HeapPeak }> {
  const sampler = new HeapSampler(options);
  sampler.start();
  try {
    const result = await fn(sampler);
    return { result, heap: sampler.stop() };
  } catch (error) {
    sampler.stop();
    throw error;
  }
}

/** Bytes as MB (10^6), for reports. */
export function mb(bytes: number): number {
  return bytes / 1_000_000;
}

/**
 * Collects measurements of one package run and prints them: a table per section for humans, JSON lines for
 * machines. Create one per `bench/run.mts`.
 */
export class BenchReport {
  readonly #prefix: string;
  #section: Array<Measurement & { note: string }> = [];
  #sectionTitle = '';
  readonly #all: Measurement[] = [];

  /** @param packageName short package name, used as the `bench` prefix (e.g. `sync-engine`). */
  constructor(packageName: string) {
    this.#prefix = packageName;
    console.log(`\n# ${packageName} benchmarks`);
    console.log(
      `node ${process.version}, ${process.platform}/${process.arch}, ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'})` +
        `${exposedGc() ? '' : ', WITHOUT --expose-gc: heap metrics are skipped'}`,
    );
  }

  /** Starts a titled section; the previous one is printed. */
  section(title: string): void {
    this.flush();
    this.#sectionTitle = title;
    console.log(`\n## ${title}`);
  }

  /** Records one measurement (printed when the section ends). `note` appears in the human table only. */
  record(bench: string, metric: string, value: number, unit: string, note = ''): void {
    const measurement = { bench: `${this.#prefix}/${bench}`, metric, value: round(value), unit };
    this.#section.push({ ...measurement, note });
    this.#all.push(measurement);
  }

  /** Prints the current section: table, then one JSON line per measurement. */
  flush(): void {
    if (this.#section.length === 0) return;
    const width = (pick: (m: Measurement & { note: string }) => string, title: string) =>
      Math.max(title.length, ...this.#section.map((m) => pick(m).length));
    const columns: Array<[string, (m: Measurement & { note: string }) => string, 'left' | 'right']> = [
      ['bench', (m) => m.bench.slice(this.#prefix.length + 1), 'left'],
      ['metric', (m) => m.metric, 'left'],
      ['value', (m) => m.value.toLocaleString('en-US', { maximumFractionDigits: 6 }), 'right'],
      ['unit', (m) => m.unit, 'left'],
      ['note', (m) => m.note, 'left'],
    ];
    const widths = columns.map(([title, pick]) => width(pick, title));
    const line = (cells: string[]) =>
      cells
        .map((cell, i) =>
          columns[i]?.[2] === 'right' ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
        )
        .join('  ')
        .trimEnd();
    console.log(line(columns.map(([title]) => title)));
    console.log(line(widths.map((w) => '-'.repeat(w))));
    for (const m of this.#section) console.log(line(columns.map(([, pick]) => pick(m))));
    for (const { note: _note, ...m } of this.#section) console.log(JSON.stringify(m));
    this.#section = [];
  }

  /** Prints what is left; returns every measurement of the run. */
  finish(): Measurement[] {
    this.flush();
    if (this.#sectionTitle) console.log('');
    return [...this.#all];
  }
}

/** Throws (failing the bench run) when a correctness condition of a benchmark does not hold. */
export function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`bench check failed: ${message}`);
}
