import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh directory under the OS temp dir for one test file. */
export function makeTempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `mlc-sqlite-${label}-`));
}
