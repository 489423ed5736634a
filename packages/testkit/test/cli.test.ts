import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const cli = join(root, 'packages', 'testkit', 'src', 'cli.ts');
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }
});

/** Starts the CLI and resolves with the JSON lines it prints on start. */
async function startCli(args: string[], lines: number): Promise<Array<Record<string, unknown>>> {
  const child = spawn(process.execPath, [tsx, '--conditions=@mlc/source', cli, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const out: Array<Record<string, unknown>> = [];
  const reader = createInterface({ input: child.stdout! });
  for await (const line of reader) {
    out.push(JSON.parse(line) as Record<string, unknown>);
    if (out.length === lines) break;
  }
  return out;
}

// Spawning tsx takes seconds on a loaded 2-core machine: generous timeouts (the brief's rule for process tests).
describe('mlc-testkit CLI', () => {
  it('serves both simulators out of process and prints what a client needs', async () => {
    const [x3, pbi] = await startCli(['all', '--x3-size', 'tiny', '--pbi-time-scale', '60'], 2);
    expect(x3).toMatchObject({ simulator: 'sage-x3', endpoint: 'SEED' });
    expect(pbi).toMatchObject({ simulator: 'powerbi' });
    const basic = (x3!.credentials as { basic: { user: string; password: string } }).basic;
    const auth = Buffer.from(`${basic.user}:${basic.password}`).toString('base64');
    const list = await fetch(
      `${x3!.url}/api1/x3/erp/SEED/BPSUPPLIER?representation=BPSUPPLIER.$query&count=5`,
      {
        headers: { authorization: `Basic ${auth}` },
      },
    );
    expect(list.status).toBe(200);
    expect(((await list.json()) as { $resources: unknown[] }).$resources).toHaveLength(5);
    const token = await fetch(String(pbi!.tokenUrl), {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: String(pbi!.clientId),
        client_secret: String(pbi!.clientSecret),
        scope: 'https://analysis.windows.net/powerbi/api/.default',
      }),
    });
    expect(token.status).toBe(200);
  }, 60_000);

  it('rejects an unknown command with the usage text', async () => {
    const child = spawn(process.execPath, [tsx, '--conditions=@mlc/source', cli, 'nonsense'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let text = '';
    child.stdout!.on('data', (chunk) => {
      text += String(chunk);
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(text).toContain('Usage: mlc-testkit');
  }, 60_000);
});
