#!/usr/bin/env node
// Type-checks the TypeScript code blocks of the root README and the guides in docs/, so the code a new user copies
// keeps compiling. Every ```ts block becomes one module under .snippets/, and tsc checks it against the workspace
// sources. A block whose info string contains `no-check` (```ts no-check) is skipped: use it only for fragments
// that are not meant to stand alone. (Package READMEs hold fragments that build on each other; they are not checked.)
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, '.snippets');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const readmes = [join(root, 'README.md')];
for (const name of readdirSync(join(root, 'docs'))) {
  if (name.endsWith('.md')) readmes.push(join(root, 'docs', name));
}

let count = 0;
for (const file of readmes) {
  const text = readFileSync(file, 'utf8');
  const blocks = [...text.matchAll(/^```(ts|typescript)([^\n]*)\n([\s\S]*?)^```/gm)];
  blocks.forEach((block, index) => {
    if (block[2].includes('no-check')) return;
    const line = text.slice(0, block.index).split('\n').length;
    const name = `${relative(root, file).replace(/[\\/]/g, '__').replace(/\.md$/, '')}__${index + 1}.ts`;
    // `export {}` makes each snippet a module, so top-level await and local names work.
    writeFileSync(join(out, name), `// ${relative(root, file)}:${line}\n${block[3]}\nexport {};\n`);
    count++;
  });
}
writeFileSync(
  join(out, 'tsconfig.json'),
  JSON.stringify(
    {
      extends: '../tsconfig.base.json',
      compilerOptions: {
        noEmit: true,
        // Resolve the packages to their sources, as a user's project resolves them to the published builds.
        baseUrl: '.',
        paths: {
          '@mlc/sync-engine/testing': ['../packages/sync-engine/src/testing.ts'],
          '@mlc/sync-engine/conformance': ['../packages/sync-engine/src/conformance.ts'],
          '@mlc/sync-engine/sage-x3': ['../packages/sync-engine/src/sage-x3.ts'],
          '@mlc/sync-engine/powerbi': ['../packages/sync-engine/src/powerbi.ts'],
          '@mlc/*': ['../packages/*/src/index.ts'],
        },
      },
      include: ['*.ts'],
    },
    null,
    2,
  ),
);
const tsc = spawnSync(
  process.execPath,
  [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(out, 'tsconfig.json')],
  {
    stdio: 'inherit',
  },
);
console.log(`snippets: ${count} checked from ${readmes.length} READMEs`);
process.exit(tsc.status ?? 1);
