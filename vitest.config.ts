import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import projects from './vitest.workspace.ts';

// Tests provoke failures on purpose, and the default stderr logger (level warn) printed every retry, failed run and
// alert of them: over a thousand WARN lines buried the results. Quiet unless asked (`MLC_LOG_LEVEL=warn npm test`).
// Set here, in the main process before any test worker or child process starts, so every project inherits it; the
// tests of the default logger set or delete the variable themselves.
process.env.MLC_LOG_LEVEL ??= 'silent';

/**
 * Test files run in parallel workers. Vitest's default (CPUs − 1) runs the whole suite one file at a time on a
 * 2-core machine, although most files spend their time waiting on loopback servers, child processes and
 * databases. One worker more than the CPUs keeps both cores busy; `MLC_TEST_WORKERS` overrides it (1 = serial,
 * e.g. to read one failing file's output in order). Every test already has to pass on a busy machine.
 */
const workers = Number(process.env.MLC_TEST_WORKERS) || availableParallelism() + 1;

export default defineConfig({
  test: {
    projects,
    maxWorkers: workers,
    coverage: {
      provider: 'v8',
      include: ['packages/*/src/**/*.ts'],
      reporter: ['text-summary', 'html'],
    },
  },
});
