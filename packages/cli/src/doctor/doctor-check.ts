/** Outcome of one doctor check: ✔ ok, ✘ fail (exit 1), ! warn (works, but look), - skipped (an earlier step failed). */
export type CheckStatus = 'ok' | 'fail' | 'warn' | 'skip';

/** One step of `mlc doctor`. */
export interface DoctorCheck {
  /** Stable id, e.g. `x3.auth`, `powerbi.tenant-setting` (use it in `--skip`). */
  id: string;
  /** Which system. */
  section: 'config' | 'store' | 'sage-x3' | 'power-bi';
  /** What was checked, one line. */
  title: string;
  /** Outcome. */
  status: CheckStatus;
  /** What was found (never a secret). */
  detail?: string;
  /** What to do about a failure or warning. */
  remedy?: string;
  /** Facts for `--json` (codes, counts, hosts). */
  data?: Record<string, unknown>;
}

/** The whole diagnosis. */
export interface DoctorReport {
  /** False when a check failed. */
  ok: boolean;
  /** Checks in the order they ran. */
  checks: DoctorCheck[];
  /** Counts by outcome. */
  counts: Record<CheckStatus, number>;
}

/** Collects checks and hands each to a listener as it completes (so the terminal shows progress). */
export class CheckLog {
  readonly checks: DoctorCheck[] = [];
  readonly #onCheck: ((check: DoctorCheck) => void) | undefined;
  readonly #skip: ReadonlySet<string>;

  /** @param onCheck called after each check @param skip ids (or id prefixes) not to run */
  constructor(onCheck?: (check: DoctorCheck) => void, skip: readonly string[] = []) {
    this.#onCheck = onCheck;
    this.#skip = new Set(skip);
  }

  /** Whether `id` was skipped with `--skip`. */
  skipped(id: string): boolean {
    for (const s of this.#skip) if (id === s || id.startsWith(`${s}.`)) return true;
    return false;
  }

  /** Records a check. */
  add(check: DoctorCheck): DoctorCheck {
    this.checks.push(check);
    this.#onCheck?.(check);
    return check;
  }

  /** The report. */
  report(): DoctorReport {
    const counts: Record<CheckStatus, number> = { ok: 0, fail: 0, warn: 0, skip: 0 };
    for (const c of this.checks) counts[c.status] += 1;
    return { ok: counts.fail === 0, checks: this.checks, counts };
  }
}

/** An error's code and message for a check's detail (the clients have redacted secrets already). */
export function describeError(error: unknown): { code?: string; message: string; hint?: string } {
  const e = error as { code?: unknown; message?: unknown; hint?: unknown };
  return {
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    message: typeof e?.message === 'string' ? e.message : String(error),
    ...(typeof e?.hint === 'string' ? { hint: e.hint } : {}),
  };
}
