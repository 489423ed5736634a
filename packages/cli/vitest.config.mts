import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['@mlc/source', 'module', 'node', 'development|production'] } },
  // Every test spawns the real `mlc` (through tsx) against the simulators: generous timeouts on a loaded machine.
  test: {
    name: 'cli',
    environment: 'node',
    include: ['test/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
