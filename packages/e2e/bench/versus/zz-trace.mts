import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulatorsInWorker } from '../../../testkit/bench/start-simulators-in-worker.mjs';
import { type SdkSyncConfig, startContender } from './versus-protocol.mjs';
const sims = await startSimulatorsInWorker({
  x3: {
    seed: 9,
    size: { account: 1, supplier: 1, product: 1, purchaseOrder: 1, salesInvoice: 1, journalEntry: 20000 },
    maxPageSize: 1000,
  },
  pbi: { seed: 9, timeScale: 20 },
});
const x3 = sims.x3!;
const dir = mkdtempSync(join(tmpdir(), 'mlc-trace-'));
const config: SdkSyncConfig = {
  x3: { url: x3.url, endpoint: x3.endpoint, user: x3.basic.user, password: x3.basic.password },
  pbi: sims.pbi!,
  dbPath: join(dir, 's.sqlite'),
  datasetName: 'Versus',
  transport: 'rest',
  timeScale: 20,
};
process.env.MLC_SDK_TRACE = '1';
for (const phase of ['first', 'again']) {
  const t = performance.now();
  const out = await startContender('sdk-sync.mts', 'MLC_SDK_CONFIG', config).done;
  console.log(phase, Math.round(performance.now() - t - out.startupMs), 'ms', JSON.stringify(out.result));
  console.log(out.stderr.split('\n').slice(-12).join('\n'));
}
await sims.close();
