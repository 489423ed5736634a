#!/usr/bin/env node
// The determinism check: runs the whole suite (scripts/test.mjs) several times in a row while CPU burners run
// beside it, as on a busy 2-core CI machine, and stops at the first failed run. A test that passes here does not
// depend on how fast the machine is (no wall-clock race, no simulated time moving during real I/O).
//
//   node scripts/stress-test.mjs [--runs 5] [--burners 1] [-- <vitest args>]
//
// Each burner is a child process spinning on one core. It prints every run's `N passed, N failed` line, then
// `stress: R of N runs green`, and exits non-zero if any run failed.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const split = args.indexOf('--');
const own = split === -1 ? args : args.slice(0, split);
const vitestArgs = split === -1 ? [] : args.slice(split + 1);
const option = (name, fallback) => {
  const at = own.indexOf(`--${name}`);
  const value = at === -1 ? fallback : Number(own[at + 1]);
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`--${name} must be a whole number`);
  return value;
};
const runs = option('runs', 5);
const burnerCount = option('burners', 1);

const burners = Array.from({ length: burnerCount }, () =>
  spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
);
const stopBurners = () => {
  for (const burner of burners) burner.kill('SIGKILL');
};
process.on('exit', stopBurners);
process.on('SIGINT', () => process.exit(130));

let green = 0;
for (let run = 1; run <= runs; run++) {
  const started = Date.now();
  console.log(`stress: run ${run} of ${runs} with ${burnerCount} CPU burner(s)`);
  const result = spawnSync(process.execPath, [join(root, 'scripts', 'test.mjs'), ...vitestArgs], {
    cwd: root,
    stdio: 'inherit',
  });
  console.log(
    `stress: run ${run} ${result.status === 0 ? 'green' : 'RED'} in ${Math.round((Date.now() - started) / 1000)} s`,
  );
  if (result.status !== 0) break;
  green += 1;
}
stopBurners();
console.log(`stress: ${green} of ${runs} runs green`);
process.exit(green === runs ? 0 : 1);
