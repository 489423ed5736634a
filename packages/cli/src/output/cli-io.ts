import type { SecretFilter } from './secret-filter.js';

/** Where the CLI writes: stdout/stderr streams behind the secret filter. */
export interface CliIO {
  /** Writes a line to stdout. */
  out(line: string): void;
  /** Writes a line to stderr. */
  err(line: string): void;
  /** Raw stdout write (progress redraws), filtered too. */
  write(text: string): void;
  /** Whether stdout is a terminal (live progress). */
  readonly isTTY: boolean;
  /** Terminal width. */
  readonly columns: number;
}

/** The process's stdout/stderr with `filter` applied to every write. */
export function processIO(filter: SecretFilter): CliIO {
  return {
    out: (line) => process.stdout.write(`${filter.clean(line)}\n`),
    err: (line) => process.stderr.write(`${filter.clean(line)}\n`),
    write: (text) => process.stdout.write(filter.clean(text)),
    isTTY: process.stdout.isTTY === true,
    // A pseudo-terminal without a size (script, some CI runners) reports 0 columns.
    columns: process.stdout.columns || 100,
  };
}
