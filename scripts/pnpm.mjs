#!/usr/bin/env node
// Runs the pinned pnpm (global or the bootstrap's .tools/ copy) with the given arguments.
import { spawnSync } from 'node:child_process';
import { resolvePnpm } from './bootstrap.mjs';

const [cmd, ...args] = resolvePnpm();
const result = spawnSync(cmd, [...args, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
