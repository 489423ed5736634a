import { defineConfig } from 'tsup';

export default defineConfig({
  entry: [
    'src/index.ts',
    'src/testing.ts',
    'src/conformance.ts',
    'src/sql-store.ts',
    'src/store-kit.ts',
    'src/sage-x3.ts',
    'src/powerbi.ts',
  ],
  format: ['esm', 'cjs'],
  // One shared chunk for all entries, so `/testing` and the main entry share error classes in both formats.
  splitting: true,
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
});
