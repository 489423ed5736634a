import { defineConfig } from 'vitest/config';
import projects from './vitest.workspace.ts';

// Tests provoke failures on purpose, and the default stderr logger (level warn) printed every retry, failed run and
// alert of them: over a thousand WARN lines buried the results. Quiet unless asked (`MLC_LOG_LEVEL=warn npm test`).
// Set here, in the main process before any test worker or child process starts, so every project inherits it; the
// tests of the default logger set or delete the variable themselves.
process.env.MLC_LOG_LEVEL ??= 'silent';

export default defineConfig({
  test: {
    projects,
    coverage: {
      provider: 'v8',
      include: ['packages/*/src/**/*.ts'],
      reporter: ['text-summary', 'html'],
    },
  },
});
