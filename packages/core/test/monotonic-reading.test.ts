import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readMonotonic, systemClock } from '../src/index.js';

const onLinux = process.platform === 'linux';

/** A reading taken by another node process (the same source file, run by node itself). */
function childReading(): { clock: string; ms: number } {
  const out = execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      // The child cannot import the TypeScript source; it repeats the documented recipe the module implements.
      `import { readFileSync, readlinkSync } from 'node:fs';
       const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
       let ns = 'time:none'; try { ns = readlinkSync('/proc/self/ns/time'); } catch {}
       console.log(JSON.stringify({ clock: 'linux-monotonic:' + boot + ':' + ns, ms: Number(process.hrtime.bigint()) / 1e6 }));`,
    ],
    { encoding: 'utf8' },
  );
  return JSON.parse(out) as { clock: string; ms: number };
}

describe.runIf(onLinux)('readMonotonic (Linux)', () => {
  it('names the clock by boot id and time namespace, and reads whole milliseconds', () => {
    const reading = readMonotonic();
    const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    expect(reading?.clock.startsWith(`linux-monotonic:${bootId}:`)).toBe(true);
    expect(Number.isInteger(reading?.ms)).toBe(true);
    expect(systemClock.monotonic?.()?.clock).toBe(reading?.clock);
  });

  it('is the clock another process of this machine reads: same identity, a reading between ours', () => {
    const before = readMonotonic();
    const child = childReading();
    const after = readMonotonic();
    expect(child.clock).toBe(before?.clock);
    // Ours are rounded up to whole ms, the child's is exact: it lies within (before - 1, after].
    expect(child.ms).toBeGreaterThan((before?.ms ?? Number.NaN) - 1);
    expect(child.ms).toBeLessThanOrEqual(after?.ms ?? Number.NaN);
  });

  it('never goes back, and moves with time (not with the wall clock)', async () => {
    const first = readMonotonic();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = readMonotonic();
    expect(second?.ms).toBeGreaterThanOrEqual((first?.ms ?? 0) + 18);
  });
});

describe.runIf(!onLinux)('readMonotonic (elsewhere)', () => {
  it('has no identity to offer, so nothing is trusted across processes', () => {
    expect(readMonotonic()).toBeUndefined();
  });
});
