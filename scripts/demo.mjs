#!/usr/bin/env node
// `npm run demo`: runs examples/demo (a full Sage X3 → Power BI sync between the two simulators) from source.
// `npm run demo -- --keep` leaves the simulators running afterwards for `npm run mlc -- <command>`.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const demo = join(root, 'examples', 'demo');
const tsx = join(demo, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const result = spawnSync(
  process.execPath,
  [tsx, '--conditions=@mlc/source', 'src/main.ts', ...process.argv.slice(2)],
  {
    cwd: demo,
    stdio: 'inherit',
  },
);
process.exit(result.status ?? 1);
