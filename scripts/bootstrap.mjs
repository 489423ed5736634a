#!/usr/bin/env node
// Makes a fresh clone runnable with nothing but Node.js >= 20.19 and npm:
// 1. finds pnpm at the pinned version (global, or a project-local copy in .tools/), installing the local copy if needed;
// 2. runs `pnpm install --frozen-lockfile` unless node_modules already matches the lockfile and manifests.
// Both steps are skipped when already done, so `npm test` and `npm run demo` stay fast after the first run.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pinned = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];
// pnpm 12 ships a native executable; npm links it here.
const localPnpm = join(root, '.tools', 'node_modules', '.bin', 'pnpm');

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Node.js >= 20.19 is required (found ${process.versions.node}).`);
  process.exit(1);
}

function log(message) {
  console.error(`[bootstrap] ${message}`);
}

/** Returns the command line that runs the pinned pnpm, installing a project-local copy when needed. */
export function resolvePnpm() {
  if (existsSync(localPnpm)) return [localPnpm];
  const global = spawnSync('pnpm', ['--version'], { encoding: 'utf8', shell: false });
  if (global.status === 0 && global.stdout.trim() === pinned) return ['pnpm'];
  log(`installing pnpm@${pinned} into .tools/ (no matching global pnpm found)`);
  mkdirSync(join(root, '.tools'), { recursive: true });
  execFileSync(
    'npm',
    ['install', '--prefix', join(root, '.tools'), '--no-save', '--no-audit', '--no-fund', `pnpm@${pinned}`],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  return [localPnpm];
}

function installFingerprint() {
  const hash = createHash('sha256');
  hash.update(process.version);
  for (const file of ['pnpm-lock.yaml', 'pnpm-workspace.yaml', 'package.json']) {
    if (existsSync(join(root, file))) hash.update(readFileSync(join(root, file)));
  }
  for (const group of ['packages', 'examples']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      const manifest = join(dir, name, 'package.json');
      if (existsSync(manifest)) hash.update(readFileSync(manifest));
    }
  }
  return hash.digest('hex');
}

function main() {
  const pnpm = resolvePnpm();
  const stamp = join(root, 'node_modules', '.mlc-install-stamp');
  const fingerprint = installFingerprint();
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === fingerprint) return;
  const env = { ...process.env, COREPACK_ENABLE_STRICT: '0' };
  // better-sqlite3 is a native addon: point node-gyp at the system's Node headers so it needs no download.
  if (!env.npm_config_nodedir && existsSync('/usr/include/node/node.h')) env.npm_config_nodedir = '/usr';
  const frozen = existsSync(join(root, 'pnpm-lock.yaml')) ? ['--frozen-lockfile'] : [];
  log(`pnpm install ${frozen.join(' ')}`);
  const [cmd, ...args] = pnpm;
  const result = spawnSync(cmd, [...args, 'install', ...frozen], { cwd: root, env, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  writeFileSync(stamp, fingerprint);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
