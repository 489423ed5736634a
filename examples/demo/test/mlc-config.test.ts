import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type PowerBISimulator,
  type SageX3Simulator,
  startPowerBISimulator,
  startSageX3Simulator,
} from '@mlc/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoEnv, writeEnvFile } from '../src/demo-env.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** `npm run mlc -- <args>` without npm: the script the README documents, with only the env file to go on. */
function mlc(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'scripts', 'mlc.mjs'), ...args], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
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
    child.once('exit', (code) => resolve({ code, out }));
  });
}

describe("the demo's mlc.config.ts with the mlc command line", () => {
  let x3sim: SageX3Simulator;
  let pbisim: PowerBISimulator;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    x3sim = await startSageX3Simulator({ seed: 3, size: 'tiny' });
    pbisim = await startPowerBISimulator({ seed: 3, timeScale: 60 });
    dir = mkdtempSync(join(tmpdir(), 'mlc-demo-test-'));
    // What `npm run demo -- --keep` writes, in a file of the test's own.
    const envFile = join(dir, 'demo.env');
    writeEnvFile(envFile, demoEnv(x3sim, pbisim, join(dir, 'state.sqlite')));
    env = { MLC_DEMO_ENV_FILE: envFile };
  });
  afterAll(async () => {
    await Promise.allSettled([x3sim?.close(), pbisim?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('without the running demo, npm run mlc says how to start it', async () => {
    const r = await mlc(['status'], { MLC_DEMO_ENV_FILE: join(dir ?? tmpdir(), 'missing.env') });
    expect(r.code).toBe(2);
    expect(r.out).toContain('npm run demo -- --keep');
  });

  it('doctor passes every check against the simulators (warnings only for plain http)', async () => {
    const r = await mlc(['doctor', '--json'], env);
    expect(r.code, r.out).toBe(0);
    const report = JSON.parse(r.out) as {
      ok: boolean;
      checks: Array<{ status: string; title: string }>;
    };
    expect(report.ok).toBe(true);
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(report.checks.map((c) => c.title)).toEqual(
      expect.arrayContaining([
        'Entra ID token for the service principal',
        'executeQueries is allowed (verification counts rows with it)',
      ]),
    );
  });

  it('run syncs the six streams, then status shows them completed with nothing parked', async () => {
    const run = await mlc(['run'], env);
    expect(run.code, run.out).toBe(0);
    const status = await mlc(['status', '--json'], env);
    expect(status.code, status.out).toBe(0);
    const streams = (JSON.parse(status.out) as { streams: Array<Record<string, unknown>> }).streams;
    expect(streams.map((s) => s.stream)).toEqual([
      'glAccounts',
      'glEntryLines',
      'suppliers',
      'purchaseOrders',
      'salesInvoices',
      'products',
    ]);
    for (const s of streams) {
      expect(s).toMatchObject({ lastRun: { outcome: 'completed' }, deadLetters: { open: 0 } });
    }
    const supplierRows = pbisim.control.datasets().flatMap((d) => pbisim.control.rows(d.id, 'Suppliers'));
    expect(supplierRows).toHaveLength(x3sim.control.count('supplier'));
  });
});
