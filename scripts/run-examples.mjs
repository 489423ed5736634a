#!/usr/bin/env node
// Runs the examples a new user would try after `npm test`, each as its own process against the simulators it
// starts, and fails when one exits non-zero or runs past its time limit: examples that nothing runs rot.
// `examples/multi-worker` (three workers on PostgreSQL, one killed, about 2.5 minutes while the killed worker's
// lease expires) runs only with MLC_EXAMPLES_ALL=1, to keep CI well inside its budget.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const examples = [
  'x3-read',
  'powerbi-push',
  'demo',
  'console',
  ...(process.env.MLC_EXAMPLES_ALL === '1' ? ['multi-worker'] : []),
];
const LIMIT_MS = 240_000;

let failed = 0;
for (const name of examples) {
  const started = Date.now();
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, [tsx, '--conditions=@mlc/source', 'src/main.ts'], {
      cwd: join(root, 'examples', name),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk) => {
      output = (output + chunk).slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), LIMIT_MS);
    child.on('exit', (exitCode, signal) => {
      clearTimeout(timer);
      if (exitCode !== 0) console.error(`--- examples/${name} output (tail) ---\n${output}`);
      resolve(exitCode ?? signal);
    });
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `${code === 0 ? 'ok  ' : 'FAIL'} examples/${name} (${seconds} s)${code === 0 ? '' : `: exit ${code}`}`,
  );
  if (code !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
