import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['@mlc/source', 'module', 'node', 'development|production'] } },
  test: {
    name: 'testkit',
    environment: 'node',
    include: ['test/**/*.test.ts'],
    // Loopback servers, child processes and SQLite files on a busy 2-core machine: a 5 s default is a wall-clock
    // race, not an assertion. Tests assert behaviour; speed lives in benchmarks.
    // Files of this project share one module graph per worker instead of importing the sources again for each file
    // (vitest's import step was ~40 % of the suite's CPU on a 2-core CI machine). Tests here keep no module state
    // between files; the second-copy tests call vi.resetModules() themselves.
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
