#!/usr/bin/env node
// Packaging smoke test: for every built package, require() the CJS build and import() the ESM build from a plain
// Node process (no TypeScript, no source condition) and call real code through each. This catches the trap where a
// CJS build default-imports an ESM-only dependency (ky, p-queue, p-retry) and breaks only at run time.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Each check receives the loaded module and must exercise real code (returning a value or throwing). */
const checks = {
  '@mlc/core': async (m) => {
    if (m.parseRetryAfter('5') !== 5000) throw new Error('parseRetryAfter');
    const client = m.createHttpClient({ baseUrl: 'http://127.0.0.1:9/' });
    const error = await client.request({ path: 'x', retry: false, timeoutMs: 2000 }).catch((e) => e);
    if (!m.isMlcError(error) || error.code !== 'NETWORK_ERROR') throw new Error(`createHttpClient: ${error}`);
  },
};

let passed = 0;
let failed = 0;
for (const [name, check] of Object.entries(checks)) {
  const dir = join(root, 'packages', name.replace('@mlc/', ''));
  const require = createRequire(join(dir, 'package.json'));
  for (const format of ['cjs', 'esm']) {
    try {
      const mod =
        format === 'cjs'
          ? require(join(dir, 'dist', 'index.js'))
          : await import(pathToFileURL(join(dir, 'dist', 'index.mjs')).href);
      await check(mod);
      passed++;
      console.log(`ok   ${name} (${format})`);
    } catch (error) {
      failed++;
      console.log(`FAIL ${name} (${format}): ${error?.stack ?? error}`);
    }
  }
}
console.log(`smoke: ${passed} ok, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
