import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['@mlc/source', 'module', 'node', 'development|production'] } },
  test: {
    name: 'powerbi-push-client',
    environment: 'node',
    include: ['test/**/*.test.ts'],
    // Loopback servers, child processes and SQLite files on a busy 2-core machine: a 5 s default is a wall-clock
    // race, not an assertion. Tests assert behaviour; speed lives in benchmarks.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
