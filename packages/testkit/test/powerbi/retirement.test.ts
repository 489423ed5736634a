import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataset, ORDERS_TABLE, pbi, secretToken } from './helpers.js';
import { type PowerBISimulator, startPowerBISimulator, TestClock } from './imports.js';

type RichError = {
  error: { code: string; 'pbi.error': { code: string; details: Array<{ detail: { value: string } }> } };
};

// [documented] reference §0/§5.10 (S8): creation of new push/streaming semantic models stops after 2027-10-31;
// existing ones keep working. The FeatureDeprecatedError body (rich pbi.error form, status 400) is [inferred].
describe('end of push-dataset creation (2027-10-31)', () => {
  let sim: PowerBISimulator;
  let api: ReturnType<typeof pbi>;
  const clock = new TestClock('2027-10-31T23:58:00Z');
  beforeAll(async () => {
    sim = await startPowerBISimulator({ clock });
    api = pbi(sim, await secretToken(sim));
  });
  afterAll(() => sim.close());

  it('creates push datasets up to the end of 2027-10-31, refuses them after, and keeps existing ones working', async () => {
    const before = await createDataset(api, [ORDERS_TABLE], '', 'BeforeEnd');
    await clock.setTime('2027-11-01T00:00:00Z');
    for (const defaultMode of [undefined, 'Push', 'PushStreaming', 'Streaming']) {
      const res = await api.createDataset({
        name: 'AfterEnd',
        tables: [ORDERS_TABLE],
        ...(defaultMode ? { defaultMode } : {}),
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as RichError;
      expect(body.error.code).toBe('FeatureDeprecatedError');
      expect(body.error['pbi.error'].code).toBe('FeatureDeprecatedError');
      expect(body.error['pbi.error'].details[0]?.detail.value).toMatch(/no longer supported/);
    }
    const list = (await (await api.call('GET', '/datasets')).json()) as { value: Array<{ name: string }> };
    expect(list.value.map((d) => d.name)).toEqual(['BeforeEnd']);
    const rows = await api.postRows(before, 'Orders', [{ _batch: 'b1', id: 1 }]);
    expect(rows.status).toBe(200);
  });

  it('the date is an option, so a test can move it', async () => {
    const early = await startPowerBISimulator({ clock, pushDatasetCreationEndsAt: '2030-01-01T00:00:00Z' });
    try {
      const res = await pbi(early, await secretToken(early)).createDataset({
        name: 'X',
        tables: [ORDERS_TABLE],
      });
      expect(res.status).toBe(201);
    } finally {
      await early.close();
    }
  });
});
