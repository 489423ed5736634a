import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@mlc/cli';
import { type StateStore, type Sync, createSync } from '@mlc/sync-engine';
import {
  type PowerBISimulator,
  type SageX3Simulator,
  startPowerBISimulator,
  startSageX3Simulator,
} from '@mlc/testkit';
import { demoEnv } from './demo-env.js';

const demoDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The console demo's parts: both simulators, and the sync `mlc.config.ts` builds over them. */
export interface DemoWorld {
  x3sim: SageX3Simulator;
  pbisim: PowerBISimulator;
  store: StateStore;
  sync: Sync;
  /** The simulators' credentials (for the console's `secrets`). */
  secrets: string[];
  /** Closes the sync and the simulators, removes the temp folder. */
  close(): Promise<void>;
}

/**
 * Starts the simulators on 127.0.0.1 and builds the sync from `mlc.config.ts`, as `mlc` would. `safetyLagMs`: how
 * long a change in Sage X3 waits before it is read (the config's 5 s by default).
 */
export async function startDemoWorld(options: { safetyLagMs?: number } = {}): Promise<DemoWorld> {
  const x3sim = await startSageX3Simulator({ seed: 7, size: 'small' });
  // timeScale 60: Power BI's per-minute and per-hour quota windows pass 60 times faster.
  const pbisim = await startPowerBISimulator({ seed: 7, timeScale: 60 });
  const dir = mkdtempSync(join(tmpdir(), 'mlc-demo-'));
  const env = demoEnv(x3sim, pbisim, join(dir, 'state.sqlite'));
  const { config } = await loadConfig({ cwd: demoDir, context: { env, command: 'demo' } });
  const sync = createSync({
    ...config,
    ...(options.safetyLagMs !== undefined
      ? { defaults: { ...config.defaults, safetyLagMs: options.safetyLagMs } }
      : {}),
  });
  return {
    x3sim,
    pbisim,
    store: config.store,
    sync,
    secrets: [env.MLC_X3_PASSWORD, env.MLC_PBI_CLIENT_SECRET].filter((s): s is string => Boolean(s)),
    close: async () => {
      await sync.close();
      await Promise.allSettled([x3sim.close(), pbisim.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
