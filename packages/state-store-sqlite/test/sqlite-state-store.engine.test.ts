import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describeCrashAtEachStep } from '@mlc/sync-engine/conformance';
import { afterAll } from 'vitest';
import { createSqliteStateStore } from '../src/index.js';
import { makeTempDir } from './temp-dir.js';

// The real engine over the SQLite store: a crash at every step of the batch protocol, then a restart with a new
// store instance over the same file (as after a process restart), must post every record exactly once. The
// harness is the engine's shared one (@mlc/sync-engine/testing), which the PostgreSQL store and custom stores use too.

const dir = makeTempDir('engine');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

describeCrashAtEachStep({
  name: 'SqliteStateStore',
  data: () => join(dir, `engine-${++n}.db`),
  store: (path, { clock }) => createSqliteStateStore({ path, clock }),
});
