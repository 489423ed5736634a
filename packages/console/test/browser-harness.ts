import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** A Chromium to drive: `MLC_CHROMIUM`, else Debian's; undefined when none is installed (the tests then skip). */
export function findChromium(): string | undefined {
  const candidates = [process.env.MLC_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find(
    (path): path is string => typeof path === 'string' && path !== '' && existsSync(path),
  );
}

/** The running `npm run demo -- --console`: its origin, and a graceful stop. */
export interface RunningDemo {
  origin: string;
  /** What the demo printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/** Starts the demo exactly as a user does (`scripts/demo.mjs --console`), on a free port; resolves once it serves. */
export function startConsoleDemo(): Promise<RunningDemo> {
  const child: ChildProcess = spawn(
    process.execPath,
    [join(root, 'scripts', 'demo.mjs'), '--console', '--port', '0'],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const origin = /Sign in as the operator[^\n]*?(http:\/\/127\.0\.0\.1:\d+)\/demo\/sign-in/.exec(
        output,
      )?.[1];
      if (origin) {
        child.stdout?.off('data', onData);
        child.stdout?.on('data', (more: Buffer) => {
          output += more.toString();
        });
        resolve({
          origin,
          output: () => output,
          stop: async () => {
            if (child.exitCode === null) child.kill('SIGTERM');
            await exited;
          },
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`the demo exited (${code}) before serving:\n${output}`)));
  });
}
