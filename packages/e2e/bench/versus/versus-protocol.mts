/**
 * The side-by-side benchmark's child processes (the naive script and the SDK): their configuration, their
 * result line, and a runner that starts one, can SIGKILL it, and reads its result.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the simulators are and how to reach them (both contenders get the same). */
export interface Endpoints {
  x3: { url: string; endpoint: string; user: string; password: string };
  pbi: {
    url: string;
    authorityHost: string;
    tenantId: string;
    clientId: string;
    clientSecret: string;
    groupId: string;
  };
}

/** Configuration of sdk-sync.mts. */
export interface SdkSyncConfig extends Endpoints {
  dbPath: string;
  datasetName: string;
  transport: 'rest' | 'graphql';
  /** The Power BI simulator's time scale, so the pacer's quota windows match. */
  timeScale: number;
  /** Re-read history this far behind the cursor (a full re-read of unchanged records). */
  lookbackMs?: number;
}

/** Configuration of naive-sync.mts. */
export interface NaiveSyncConfig extends Endpoints {
  stateFile: string;
  datasetName: string;
}

/** sdk-sync.mts's result line. */
export type SdkSyncResult = (
  | {
      status: string;
      recordsRead: number;
      recordsUnchanged: number;
      rowsPosted: number;
      /** Time the run waited for nothing but ambiguous batches to settle (`StreamRunResult.settleWaitMs`). */
      settleWaitMs: number;
    }
  | { status: 'failed'; error: string }
) & { cpuMs?: number };

/** naive-sync.mts's result line. */
export interface NaiveSyncResult {
  posts: number;
  rowsPosted: number;
  cpuMs: number;
}

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../../..');
const TSX_CLI = join(ROOT, 'node_modules/tsx/dist/cli.mjs');

/** The line a contender prints once its modules are loaded, before it starts working. */
export const READY_LINE = '{"ready":true}';

/** A started contender process. */
export interface Contender<R> {
  /**
   * Resolves when the process exits: its result line (undefined when it was killed or printed none) and its
   * start-up time, from spawn to {@link READY_LINE} (tsx transpiling sources: paid once by a long-running service).
   */
  readonly done: Promise<{
    result: R | undefined;
    code: number | null;
    signal: NodeJS.Signals | null;
    stderr: string;
    startupMs: number;
    /**
     * Teardown time, from the result line to the exit (0 without a result line): the process's own shutdown (tsx's
     * loader thread, V8), 10 to 100 ms after every resource the script opened was closed; a service pays it once.
     */
    teardownMs: number;
  }>;
  /** SIGKILLs the whole process group (tsx runs the script in a child process). */
  kill(): void;
}

/** Starts `script` (`naive-sync.mts` or `sdk-sync.mts`) with its JSON config in `envName`. */
export function startContender<R>(script: string, envName: string, config: object): Contender<R> {
  const child: ChildProcess = spawn(
    process.execPath,
    [TSX_CLI, '--conditions=@mlc/source', join(HERE, script)],
    {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, [envName]: JSON.stringify(config) },
    },
  );
  const spawnedAt = performance.now();
  let readyAt: number | undefined;
  let resultAt: number | undefined;
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (readyAt === undefined && stdout.includes(READY_LINE)) readyAt = performance.now();
    // Complete lines only: a result line still being written is not there yet.
    if (resultAt === undefined && resultLineOf(stdout.slice(0, stdout.lastIndexOf('\n') + 1)) !== undefined)
      resultAt = performance.now();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    // `BENCH_VERSUS_STDERR=1` passes the contenders' stderr through (with `MLC_SDK_TRACE=1`: the SDK's timeline).
    if (process.env.BENCH_VERSUS_STDERR) process.stderr.write(chunk);
    if (stderr.length < 20_000) stderr += chunk;
  });
  let exited = false;
  const done: Contender<R>['done'] = new Promise((resolveDone) => {
    child.on('exit', (code, signal) => {
      exited = true;
      const exitAt = performance.now();
      const line = resultLineOf(stdout);
      resolveDone({
        result: line ? (JSON.parse(line) as R) : undefined,
        code,
        signal,
        stderr,
        startupMs: (readyAt ?? exitAt) - spawnedAt,
        teardownMs: resultAt === undefined ? 0 : exitAt - resultAt,
      });
    });
  });
  return {
    done,
    kill: () => {
      if (exited || child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}

/** The contender's result line in its output: the first JSON line other than the ready line. */
function resultLineOf(stdout: string): string | undefined {
  return stdout.split('\n').find((text) => text.startsWith('{') && text !== READY_LINE);
}
