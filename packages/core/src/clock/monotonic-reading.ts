/**
 * A reading of a monotonic clock that other processes may share. Two readings compare only when their `clock` is
 * the same string; their `ms` difference is then the time that passed between them, whatever the wall clock did
 * meanwhile (an NTP step, a manual change).
 */
export interface MonotonicReading {
  /** Which clock: readings of different clocks never compare. */
  clock: string;
  /** Whole milliseconds on that clock, from an arbitrary origin. */
  ms: number;
}

/** Not read yet (`undefined`), none on this system (`null`), or the identity. */
let identity: string | null | undefined;

/**
 * This process's reading of the machine's monotonic clock, or `undefined` where no process-independent identity
 * of that clock can be read (any system but Linux, or `/proc` not mounted).
 *
 * - `process.hrtime` reads `CLOCK_MONOTONIC` on Linux [inferred: libuv's `uv_hrtime` is documented as monotonic
 *   and arbitrary in origin; its Linux implementation uses `clock_gettime(CLOCK_MONOTONIC)`]. That clock is one for
 *   all processes of a boot, apart from time namespaces, which offset it [documented: time_namespaces(7)].
 * - The identity is the boot id (`/proc/sys/kernel/random/boot_id`, new at every boot [documented: random(4)]) and
 *   the time namespace (`/proc/self/ns/time`, absent on kernels without time namespaces, where there is one clock).
 * - `ms` is rounded up: a reading stored for later is never earlier than the moment it marks, so a difference
 *   taken from it never overstates the time that passed.
 */
export function readMonotonic(): MonotonicReading | undefined {
  identity ??= readIdentity();
  if (identity === null) return undefined;
  return { clock: identity, ms: Math.ceil(Number(process.hrtime.bigint()) / 1e6) };
}

function readIdentity(): string | null {
  const proc = globalThis.process;
  if (proc?.platform !== 'linux' || typeof proc.getBuiltinModule !== 'function') return null;
  const fs = proc.getBuiltinModule('node:fs');
  try {
    const bootId = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    if (!/^[0-9a-f-]{36}$/.test(bootId)) return null;
    return `linux-monotonic:${bootId}:${timeNamespace(fs)}`;
  } catch {
    return null;
  }
}

function timeNamespace(fs: typeof import('node:fs')): string {
  try {
    return fs.readlinkSync('/proc/self/ns/time');
  } catch (error) {
    // No time namespaces in this kernel: the boot has one monotonic clock.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'time:none';
    throw error;
  }
}
