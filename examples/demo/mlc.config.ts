/**
 * The demo's `mlc.config.ts`: the sync `npm run demo` runs, as the operator's command line `mlc` reads it.
 * Everything that differs between machines comes from environment variables, secrets included; `npm run demo --
 * --keep` writes them for the simulators it leaves running into `examples/demo/.demo.env`, which `npm run mlc`
 * loads (see this folder's README). For a real deployment, copy this file and set the variables from your secret
 * store.
 */
import { defineConfig } from '@mlc/cli';
import { clientSecretCredential, createPowerBIClient } from '@mlc/powerbi-push-client';
import { basicAuth, createX3Client } from '@mlc/sage-x3-client';
import { createSqliteStateStore } from '@mlc/state-store-sqlite';
import { x3Streams } from '@mlc/sync-engine/sage-x3';
import { createThrottleMeter, datasetForStreams, powerBISink } from '@mlc/sync-engine/powerbi';

export default defineConfig(({ env }) => {
  const need = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`set ${name} (npm run demo -- --keep writes the simulators' values)`);
    return value;
  };
  const x3Options = {
    baseUrl: need('MLC_X3_URL'),
    endpoint: need('MLC_X3_ENDPOINT'),
    transport: 'rest' as const,
    auth: basicAuth({ user: need('MLC_X3_USER'), password: need('MLC_X3_PASSWORD') }),
    pageSize: 200,
  };
  const meter = createThrottleMeter();
  const powerbiOptions = {
    credential: clientSecretCredential({
      tenantId: need('MLC_PBI_TENANT'),
      clientId: need('MLC_PBI_CLIENT_ID'),
      clientSecret: need('MLC_PBI_CLIENT_SECRET'),
    }),
    groupId: need('MLC_PBI_GROUP'),
    // The simulators' addresses; a real tenant leaves both out (api.powerbi.com, login.microsoftonline.com).
    ...(env.MLC_PBI_API ? { apiBase: env.MLC_PBI_API } : {}),
    ...(env.MLC_PBI_AUTHORITY ? { authorityHost: env.MLC_PBI_AUTHORITY } : {}),
    onThrottle: meter.onThrottle,
  };
  const streams = x3Streams(createX3Client(x3Options), {});
  const dataset = env.MLC_DATASET || 'Sage X3 demo';
  return {
    store: createSqliteStateStore({ path: need('MLC_STATE_DB') }),
    sink: powerBISink(createPowerBIClient(powerbiOptions), {
      dataset: datasetForStreams(dataset, streams),
      throttleMeter: meter,
    }),
    streams,
    // The simulators' data is in the past; a short settle time keeps verification quick in the demo.
    defaults: { safetyLagMs: 5_000, verification: { settleMs: 1_000, recheckMs: 500, maxReads: 10 } },
    doctor: { x3: x3Options, powerbi: powerbiOptions, dataset },
  };
});
