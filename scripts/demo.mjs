#!/usr/bin/env node
// `npm run demo`: runs examples/demo (a full Sage X3 → Power BI sync between the two simulators) from source.
// `npm run demo -- --keep` leaves the simulators running afterwards for `npm run mlc -- <command>`.
// `npm run demo -- --console [--port 4400]` keeps the simulators up and serves the operator console until Ctrl-C.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const demo = join(root, 'examples', 'demo');
const tsx = join(demo, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const child = spawn(
  process.execPath,
  [tsx, '--conditions=@mlc/source', 'src/main.ts', ...process.argv.slice(2)],
  {
    cwd: demo,
    stdio: 'inherit',
  },
);
// Ctrl-C reaches the demo directly (same process group): wait for it to stop. A SIGTERM sent to this process only
// is passed on, so the demo stops gracefully either way.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
