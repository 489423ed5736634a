import { startPowerBISimulator } from '@mlc/testkit';
import { describe, expect, it } from 'vitest';
import {
  POWER_BI_LIMITS,
  PowerBIDatasetError,
  PowerBIHttpError,
  clientSecretCredential,
  createPowerBIClient,
  isPowerBIError,
} from '../src/index.js';
import { IoDriver } from './helpers/io-driver.js';
import { capturingLogger, ordersSchema } from './helpers/simulated-client.js';

// [documented] reference §0/§5.10 (S8): no new push semantic models after 2027-10-31; existing ones keep working.
// The refusal's shape — `FeatureDeprecatedError` in the rich `pbi.error` envelope — is recorded below.
const FEATURE_DEPRECATED = {
  error: {
    code: 'FeatureDeprecatedError',
    'pbi.error': {
      code: 'FeatureDeprecatedError',
      parameters: {},
      details: [
        {
          code: 'DetailsMessage',
          detail: { type: 1, value: 'Creating push semantic models is no longer supported.' },
        },
      ],
      exceptionCulprit: 1,
    },
  },
};

async function simulated(start: string) {
  const clock = new IoDriver(start);
  const sim = await startPowerBISimulator({ clock: clock.serverClock });
  const { logger, lines } = capturingLogger();
  const client = createPowerBIClient({
    credential: clientSecretCredential({
      tenantId: sim.tenantId,
      clientId: sim.clientId,
      clientSecret: sim.clientSecret ?? '',
    }),
    groupId: sim.groupId,
    apiBase: sim.url,
    authorityHost: sim.authorityHost,
    clock: clock.clientClock,
    fetch: clock.fetch,
    logger,
  });
  return { sim, clock, client, lines };
}

describe('end of push-dataset creation', () => {
  it('the date is the documented one', () => {
    expect(new Date(POWER_BI_LIMITS.pushDatasetCreationEndsAt).toISOString()).toBe(
      '2027-11-01T00:00:00.000Z',
    );
  });

  it('after 2027-10-31 the simulator refuses creation and ensureDataset throws a typed error with a remedy, once', async () => {
    const { sim, clock, client } = await simulated('2027-11-02T09:00:00Z');
    try {
      const error = await clock.run(client.ensureDataset(ordersSchema)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PowerBIDatasetError);
      expect(isPowerBIError(error, 'PBI_DATASET_CREATION_RETIRED')).toBe(true);
      const e = error as PowerBIDatasetError;
      expect(e.retryable).toBe(false);
      expect(e.message).toMatch(/2027-10-31/);
      expect(e.message).toMatch(/Existing push datasets keep working/);
      expect(e.cause).toBeInstanceOf(PowerBIHttpError);
      expect((e.cause as PowerBIHttpError).serviceCode).toBe('FeatureDeprecatedError');
      expect(sim.control.requests({ route: 'createDataset' })).toHaveLength(1);
    } finally {
      await sim.close();
    }
  });

  it('within 12 months of the date, ensureDataset creates the dataset and warns', async () => {
    const { sim, clock, client, lines } = await simulated('2027-03-01T00:00:00Z');
    try {
      const report = await clock.run(client.ensureDataset(ordersSchema));
      expect(report.created).toBe(true);
      expect(report.actions[0]).toMatch(/^created dataset/);
      expect(report.actions[1]).toMatch(
        /^warning: Power BI stops creating push datasets after 2027-10-31 \(in 245 days\)/,
      );
      expect(lines.some((l) => l.startsWith('warn') && l.includes('2027-10-31'))).toBe(true);
    } finally {
      await sim.close();
    }
  });

  it('earlier than 12 months before the date, no warning', async () => {
    const { sim, clock, client, lines } = await simulated('2026-10-01T00:00:00Z');
    try {
      const report = await clock.run(client.ensureDataset(ordersSchema));
      expect(report.actions.some((a) => a.startsWith('warning'))).toBe(false);
      expect(lines.some((l) => l.includes('2027-10-31'))).toBe(false);
    } finally {
      await sim.close();
    }
  });

  it('maps the recorded FeatureDeprecatedError body (fixture) to the typed error', async () => {
    const calls: string[] = [];
    const fetch = (async (input: Request) => {
      const url = new URL(input.url);
      calls.push(`${input.method} ${url.pathname}`);
      if (url.pathname.endsWith('/token')) {
        return Response.json({ token_type: 'Bearer', expires_in: 3599, access_token: 'tok-fixture' });
      }
      if (input.method === 'GET') return Response.json({ value: [] });
      return Response.json(FEATURE_DEPRECATED, { status: 400, headers: { RequestId: 'req-1' } });
    }) as unknown as typeof globalThis.fetch;
    const client = createPowerBIClient({
      credential: clientSecretCredential({ tenantId: 't', clientId: 'c', clientSecret: 'planted-secret-x' }),
      groupId: 'g',
      fetch,
    });
    const error = await client.ensureDataset(ordersSchema).catch((e: unknown) => e);
    expect(isPowerBIError(error, 'PBI_DATASET_CREATION_RETIRED')).toBe(true);
    expect(((error as PowerBIDatasetError).cause as PowerBIHttpError).requestId).toBe('req-1');
    expect(calls.filter((c) => c.startsWith('POST') && c.endsWith('/datasets'))).toHaveLength(1);
  });
});
