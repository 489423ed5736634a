import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, FIXTURE_CONFIG, type World, leaks, startWorld } from './mlc-harness.js';

// util-linux `script` runs a command under a pseudo-terminal: the real `mlc` then sees a TTY, as in a shell.
const scriptOk = (() => {
  const r = spawnSync('script', ['--version'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('util-linux');
})();
if (!scriptOk)
  console.warn('live-progress-tty: util-linux `script` not found; the pseudo-terminal test is skipped');

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

describe.skipIf(!scriptOk)('mlc run on a terminal (a pseudo-terminal through script)', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(() => w?.close());

  it('draws the live display per stream (each line cleared and rewritten) instead of one line per event', async () => {
    const tsx = join(CLI, '..', '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');
    const command = [
      'stty cols 120 rows 40;',
      'exec',
      ...[process.execPath, tsx, '--conditions=@mlc/source', CLI, 'run', '--config', FIXTURE_CONFIG].map(
        quote,
      ),
    ].join(' ');
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      const child = spawn('script', ['-qfec', command, '/dev/null'], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm', ...w.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        out += d.toString();
      });
      child.once('error', reject);
      child.once('exit', (exitCode) => resolve({ code: exitCode, stdout: out }));
    });
    expect(code, stdout).toBe(0);
    // The final frame: each stream's line cleared and rewritten, with its mark and counts at full width.
    const supplierCount = w.x3sim.control.count('supplier');
    expect(stdout).toMatch(
      new RegExp(
        `\\x1b\\[2K✔ suppliers {2}${supplierCount} read · ${supplierCount} posted · \\d+/s .*in \\S+\\r?\\n`,
      ),
    );
    // Not the plain output of a pipe: no timestamped event lines.
    expect(stdout).not.toMatch(/suppliers run \S+ started: reads/);
    expect(stdout).toMatch(/STREAM\s+STATUS\s+READ\s+POSTED/);
    expect(leaks({ code, stdout, stderr: '' })).toEqual([]);
  });
});
