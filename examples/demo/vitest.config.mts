import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['@mlc/source', 'module', 'node', 'development|production'] } },
  // The test spawns `npm run mlc`'s script (the real `mlc` through tsx) against the simulators.
  test: {
    name: 'example-demo',
    environment: 'node',
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
