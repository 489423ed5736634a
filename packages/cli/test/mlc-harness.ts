import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type PowerBISimulator,
  type PowerBISimulatorOptions,
  type SageX3Simulator,
  type SageX3SimulatorOptions,
  startPowerBISimulator,
  startSageX3Simulator,
} from '@mlc/testkit';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, '..');
// tsx as a loader inside the one `mlc` process, not its CLI: the CLI runs the script in a second process and, when a
// signal arrives, gives that process 30 ms to claim it before killing it (exit 143 on a busy machine).
const tsxLoader = pathToFileURL(join(packageDir, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
/** The real `mlc` entry point, run from source through tsx (the built bin is the same file compiled). */
export const CLI = join(packageDir, 'src', 'cli.ts');
export const FIXTURE_CONFIG = join(here, 'fixtures', 'mlc.config.ts');

/** Secrets planted in the simulators: no `mlc` output may ever contain them. */
export const PLANTED = {
  x3Password: 'planted-x3-pw-Kq7Zr2',
  pbiSecret: 'planted-pbi-secret-Vx81Lw',
};

/** What one `mlc` process did. */
export interface MlcResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `mlc` as a child process; resolves when it exits. `onStdout` sees output as it arrives. */
export function runMlc(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: { onSpawn?: (child: ReturnType<typeof spawn>) => void; timeoutMs?: number } = {},
): Promise<MlcResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsxLoader, '--conditions=@mlc/source', CLI, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`mlc ${args.join(' ')} did not exit in time\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, options.timeoutMs ?? 150_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    options.onSpawn?.(child);
  });
}

/** Two simulators, a state-store folder and the environment the fixture config reads. */
export interface World {
  x3sim: SageX3Simulator;
  pbisim: PowerBISimulator;
  dir: string;
  env: NodeJS.ProcessEnv;
  /** `mlc <args> --config <fixture>` with the world's environment (plus `extra`). */
  mlc(args: readonly string[], extra?: NodeJS.ProcessEnv): Promise<MlcResult>;
  close(): Promise<void>;
}

/** Starts the simulators (with the planted secrets) and returns the world. */
export async function startWorld(
  options: { x3?: SageX3SimulatorOptions; pbi?: PowerBISimulatorOptions } = {},
): Promise<World> {
  const x3sim = await startSageX3Simulator({
    seed: 11,
    size: 'tiny',
    users: [{ user: 'WSUSER', password: PLANTED.x3Password }],
    ...options.x3,
  });
  const pbisim = await startPowerBISimulator({
    seed: 11,
    timeScale: 60,
    tenants: [{ apps: [{ clientSecret: PLANTED.pbiSecret }] }],
    ...options.pbi,
  });
  const dir = mkdtempSync(join(tmpdir(), 'mlc-cli-'));
  const env: NodeJS.ProcessEnv = {
    MLC_X3_URL: x3sim.url,
    MLC_X3_ENDPOINT: x3sim.endpoint,
    MLC_X3_USER: 'WSUSER',
    MLC_X3_PASSWORD: PLANTED.x3Password,
    MLC_PBI_API: pbisim.url,
    MLC_PBI_AUTHORITY: pbisim.authorityHost,
    MLC_PBI_TENANT: pbisim.tenantId,
    MLC_PBI_CLIENT_ID: pbisim.clientId,
    MLC_PBI_CLIENT_SECRET: pbisim.clientSecret ?? '',
    MLC_PBI_GROUP: pbisim.groupId,
    MLC_STATE_DB: join(dir, 'state.sqlite'),
    MLC_DATASET: 'CLI test',
  };
  return {
    x3sim,
    pbisim,
    dir,
    env,
    mlc: (args, extra = {}) => runMlc([...args, '--config', FIXTURE_CONFIG], { ...env, ...extra }),
    close: async () => {
      await Promise.allSettled([x3sim.close(), pbisim.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Fails when any planted secret appears in the output. */
export function leaks(result: MlcResult): string[] {
  const text = result.stdout + result.stderr;
  return Object.values(PLANTED).filter((secret) => text.includes(secret));
}
