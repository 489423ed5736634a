#!/usr/bin/env node
// Type-checks the packed packages the way consumers see them: a CommonJS project (`module: node16`, `require`
// conditions, `.d.ts`) and an ESM project (`module: nodenext`, `import` conditions, `.d.mts`), each with
// TypeScript 5.9 and with TypeScript 7 (what `npm i -D typescript` installs today). `skipLibCheck` is off, so an
// error inside our declarations (for example a CJS `.d.ts` that imports an ESM-only package: TS1479) fails here,
// which publint and attw do not catch.
//
// Usage: node scripts/check-consumer-types.mjs [packDir]   (default .pack, filled by `pnpm pack`)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const packDir = resolve(process.argv[2] ?? join(root, '.pack'));
const compilers = { 'ts-5.9': 'typescript@5.9.3', 'ts-7': 'typescript@7.0.2' };

const tarballs = readdirSync(packDir).filter((f) => f.endsWith('.tgz'));
if (tarballs.length === 0) {
  console.error(`no tarballs in ${packDir}: run pnpm pack first`);
  process.exit(1);
}
// mlc-sync-engine-0.1.0.tgz → @mlc/sync-engine
const packages = Object.fromEntries(
  tarballs.map((file) => [
    `@mlc/${file.replace(/^mlc-/, '').replace(/-\d+\.\d+\.\d+.*\.tgz$/, '')}`,
    join(packDir, file),
  ]),
);

/** What a consumer writes: every public entry point, a value and a type from each. */
const consumerSource = (style) => {
  const lines = [];
  const use = [];
  const entries = {
    '@mlc/core': ['createHttpClient', 'MlcError'],
    '@mlc/sage-x3-client': ['createX3Client', 'basicAuth'],
    '@mlc/powerbi-push-client': ['createPowerBIClient', 'defineDataset'],
    '@mlc/sync-engine': ['createSync', 'MemoryStateStore'],
    '@mlc/sync-engine/testing': ['MemorySink', 'createConformanceHarness'],
    '@mlc/sync-engine/conformance': ['describeStateStoreConformance'],
    '@mlc/sync-engine/sage-x3': ['x3Streams', 'x3Source'],
    '@mlc/sync-engine/powerbi': ['powerBISink', 'datasetForStreams'],
    '@mlc/state-store-sqlite': ['createSqliteStateStore'],
    '@mlc/state-store-postgres': ['createPostgresStateStore'],
    '@mlc/testkit': ['startSageX3Simulator', 'startPowerBISimulator'],
    '@mlc/cli': ['defineConfig', 'runDoctor'],
  };
  let n = 0;
  for (const [specifier, names] of Object.entries(entries)) {
    if (!packages[specifier.split('/').slice(0, 2).join('/')]) continue;
    const alias = `m${n++}`;
    lines.push(
      style === 'cjs'
        ? `import ${alias} = require('${specifier}');`
        : `import * as ${alias} from '${specifier}';`,
    );
    for (const name of names) use.push(`${alias}.${name}`);
  }
  lines.push(`export const used: unknown[] = [${use.join(', ')}];`);
  // A few types a consumer names in its own code.
  if (packages['@mlc/sync-engine']) {
    lines.push(
      style === 'cjs'
        ? "import type { StateStore, SyncSink, SyncSource } from '@mlc/sync-engine';"
        : "import type { StateStore, SyncSink, SyncSource } from '@mlc/sync-engine';",
      'export type Contracts = [StateStore, SyncSink, SyncSource];',
    );
  }
  return `${lines.join('\n')}\n`;
};

const tsconfig = (style) => ({
  compilerOptions: {
    target: 'ES2022',
    module: style === 'cjs' ? 'node16' : 'nodenext',
    moduleResolution: style === 'cjs' ? 'node16' : 'nodenext',
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    types: ['node'],
  },
  include: ['index.ts'],
});

const work = mkdtempSync(join(tmpdir(), 'mlc-consumers-'));
const run = (cmd, args, cwd) => {
  const result = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
};

// One install serves both module styles: the consumer projects differ only in package.json type and tsconfig.
const deps = Object.fromEntries(Object.entries(packages).map(([name, file]) => [name, `file:${file}`]));
const install = join(work, 'install');
mkdirSync(install);
writeFileSync(
  join(install, 'package.json'),
  JSON.stringify({
    name: 'consumer-deps',
    private: true,
    dependencies: { ...deps, '@types/node': '20.19.43' },
    // Sibling @mlc packages resolve to these tarballs, never to the registry.
    overrides: deps,
  }),
);
const installed = run(
  'npm',
  ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'],
  install,
);
if (!installed.ok) {
  console.error(installed.output);
  process.exit(1);
}

let failures = 0;
for (const [label, compiler] of Object.entries(compilers)) {
  const tsDir = join(work, label);
  mkdirSync(tsDir);
  writeFileSync(join(tsDir, 'package.json'), '{"private":true}');
  const got = run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', compiler], tsDir);
  if (!got.ok) {
    console.error(got.output);
    process.exit(1);
  }
  for (const style of ['cjs', 'esm']) {
    const dir = join(work, `${label}-${style}`);
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ private: true, type: style === 'cjs' ? 'commonjs' : 'module' }),
    );
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig(style), null, 2));
    writeFileSync(join(dir, 'index.ts'), consumerSource(style));
    // node_modules is shared through a symlink so both styles type-check the same installed files.
    run('ln', ['-s', join(install, 'node_modules'), join(dir, 'node_modules')], dir);
    const tsc = join(tsDir, 'node_modules', '.bin', 'tsc');
    const result = run(tsc, ['-p', 'tsconfig.json'], dir);
    const name = `${style === 'cjs' ? 'CommonJS' : 'ESM'} consumer, ${label}`;
    if (result.ok) {
      console.log(`✔ ${name}`);
    } else {
      failures += 1;
      console.log(`✘ ${name}\n${result.output.trim().replace(/^/gm, '    ')}`);
    }
  }
}
if (existsSync(work)) rmSync(work, { recursive: true, force: true });
process.exit(failures === 0 ? 0 : 1);
