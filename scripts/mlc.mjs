#!/usr/bin/env node
// `npm run mlc -- <command>`: the workspace's `mlc` (packages/cli, from source) in examples/demo, so it reads the
// demo's mlc.config.ts, with the settings `npm run demo -- --keep` wrote to examples/demo/.demo.env for the
// simulators it keeps running (variables already set in the environment win; MLC_DEMO_ENV_FILE names another
// file). `--config <file>` picks another config, as with the published `mlc`.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const demo = join(root, 'examples', 'demo');
const envFile = process.env.MLC_DEMO_ENV_FILE ?? join(demo, '.demo.env');
const args = process.argv.slice(2);
const fromFile = existsSync(envFile) ? parseEnv(readFileSync(envFile, 'utf8')) : {};
const needsDemo =
  !args.includes('--config') && !args.includes('--help') && !args.includes('-h') && args.length > 0;
if (needsDemo && !existsSync(envFile) && process.env.MLC_X3_URL === undefined) {
  console.error('mlc: the demo is not running; start it first (in another terminal): npm run demo -- --keep');
  process.exit(2);
}
const tsx = join(demo, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const cli = join(root, 'packages', 'cli', 'src', 'cli.ts');
const result = spawnSync(process.execPath, [tsx, '--conditions=@mlc/source', cli, ...args], {
  cwd: demo,
  stdio: 'inherit',
  env: { ...fromFile, ...process.env },
});
process.exit(result.status ?? 1);
