import { writeFileSync } from 'node:fs';
import type { PowerBISimulator, SageX3Simulator } from '@mlc/testkit';

/**
 * The environment `mlc.config.ts` reads, for the two simulators and a SQLite file: what an operator would set for
 * real systems (the simulators' credentials are fake, so they may be written to a file).
 */
export function demoEnv(
  x3sim: SageX3Simulator,
  pbisim: PowerBISimulator,
  stateDb: string,
): Record<string, string> {
  return {
    MLC_X3_URL: x3sim.url,
    MLC_X3_ENDPOINT: x3sim.endpoint,
    MLC_X3_USER: x3sim.credentials.basic.user,
    MLC_X3_PASSWORD: x3sim.credentials.basic.password,
    MLC_PBI_API: pbisim.url,
    MLC_PBI_AUTHORITY: pbisim.authorityHost,
    MLC_PBI_TENANT: pbisim.tenantId,
    MLC_PBI_CLIENT_ID: pbisim.clientId,
    MLC_PBI_CLIENT_SECRET: pbisim.clientSecret ?? '',
    MLC_PBI_GROUP: pbisim.groupId,
    MLC_STATE_DB: stateDb,
  };
}

/** Writes `env` as a `.env` file (`NAME=value` lines) that `node --env-file` and `npm run mlc` read. */
export function writeEnvFile(file: string, env: Record<string, string>): void {
  const lines = Object.entries(env).map(([name, value]) => `${name}=${JSON.stringify(value)}`);
  writeFileSync(file, `# written by npm run demo -- --keep; removed when it stops\n${lines.join('\n')}\n`, {
    mode: 0o600,
  });
}
