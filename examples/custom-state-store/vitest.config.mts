import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['@mlc/source', 'module', 'node', 'development|production'] } },
  test: { name: 'example-custom-state-store', environment: 'node', include: ['test/**/*.test.ts'] },
});
