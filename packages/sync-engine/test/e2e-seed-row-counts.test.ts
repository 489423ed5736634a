import { clientSecretCredential, createPowerBIClient, type PushTable } from '@mlc/powerbi-push-client';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStateStore, type Row } from '../src/index.js';
import { sinkSetupSlot } from '../src/sync/sink-setup.js';
import { datasetForStreams, powerBISink } from '../src/powerbi.js';
import { type Loop, startLoop, onlyStreams } from './e2e-helpers.js';

let loop: Loop | undefined;
afterEach(async () => {
  await loop?.close();
  loop = undefined;
});

describe('e2e: a new process seeds the pacer with the row counts of the tables', () => {
  it('reads COUNTROWS of a table before its first POST and hands it to the pacer, not at set-up', async () => {
    loop = await startLoop({
      streams: onlyStreams('glEntryLines'),
    });
    const l = loop;
    await l.clock.run(l.sync().run());
    const stored = l.rows('GLEntryLines').length;
    expect(stored).toBeGreaterThan(0);
    // A restart: a fresh client (its pacer knows nothing) and a fresh sink.
    const client = createPowerBIClient({
      credential: clientSecretCredential({
        tenantId: l.pbisim.tenantId,
        clientId: l.pbisim.clientId,
        clientSecret: l.pbisim.clientSecret ?? '',
      }),
      groupId: l.pbisim.groupId,
      apiBase: l.pbisim.url,
      authorityHost: l.pbisim.authorityHost,
      clock: l.clock,
    });
    const seeded = new Map<string, number>();
    const table = client.table.bind(client);
    client.table = ((...args: Parameters<typeof client.table>) => {
      const t = table(...args) as PushTable;
      return { ...t, setKnownRowCount: (n: number) => seeded.set(t.name, n) } as unknown as ReturnType<
        typeof table
      >;
    }) as typeof client.table;
    const sink = powerBISink(client, { dataset: datasetForStreams('Sage X3 e2e', l.streams) });
    const queries = () => l.pbisim.control.requests({ route: 'executeQueries' }).length;
    const queriesBefore = queries();
    await l.clock.run(
      sink.ensureTables(
        l.streams.map((s) => s.table),
        {},
      ),
    );
    // A run that posts nothing (an unchanged re-sync) never asks.
    expect(seeded.has('GLEntryLines')).toBe(false);
    expect(queries()).toBe(queriesBefore);
    // A stored row again, its DateTime values (stored without a zone) given one.
    const { _batch, ...stored0 } = l.rows('GLEntryLines')[0] ?? {};
    const row = Object.fromEntries(
      Object.entries(stored0).map(([k, v]) => [
        k,
        typeof v === 'string' && /^\d{4}-\d\d-\d\dT[\d:.]+$/.test(v) ? `${v}Z` : v,
      ]),
    ) as Row;
    const post = (batchId: string) =>
      l.clock.run(
        sink.post({ table: 'GLEntryLines', rows: [row], batchId, signal: new AbortController().signal }),
      );
    const first = await post('b-seed-1');
    expect(first.outcome, String(first.error)).toBe('applied');
    expect(seeded.get('GLEntryLines')).toBe(stored);
    // Once per set-up: the second POST does not count again.
    await post('b-seed-2');
    expect(queries()).toBe(queriesBefore + 1);
  }, 60_000);

  it('a restart does not PUT unchanged tables again: the store keeps what the last set-up sent', async () => {
    loop = await startLoop({
      streams: onlyStreams('glEntryLines'),
    });
    const l = loop;
    await l.clock.run(l.sync().run());
    expect(l.pbisim.control.requests({ route: 'createDataset' })).toHaveLength(1);
    // Restarts: a fresh sink each time (nothing cached in memory), the same store. The simulator lists table names
    // only, so only the kept set-up note tells the sink the definitions are already there.
    const restart = () =>
      l.sync({ sink: powerBISink(l.pbi, { dataset: datasetForStreams('Sage X3 e2e', l.streams) }) });
    await l.clock.run(restart().run());
    await l.clock.run(restart().run());
    expect(l.pbisim.control.requests({ route: 'putTable' })).toHaveLength(0);
    // The note the set-up that created the dataset kept: the dataset id and a digest of each table definition.
    const store = new MemoryStateStore({ storage: l.storage, clock: l.clock });
    await store.open();
    expect(
      JSON.parse(
        (await store.getSecret(sinkSetupSlot(['GLEntryLines'], `${l.pbisim.groupId}/Sage X3 e2e`))) ?? 'null',
      ),
    ).toEqual({
      datasetId: l.pbisim.control.datasets()[0]?.id,
      tables: { GLEntryLines: expect.any(String) },
    });
  }, 60_000);

  it('a restart that finds the dataset as its last set-up left it takes no set-up lease; a deleted one is created under it', async () => {
    loop = await startLoop({
      streams: onlyStreams('glEntryLines'),
    });
    const l = loop;
    await l.clock.run(l.sync().run());
    // Restarts: a fresh sink and store object each time, the same storage; the set-up lease acquisitions counted.
    let setupLeases = 0;
    const restart = () => {
      const store = new MemoryStateStore({ storage: l.storage, clock: l.clock });
      const acquire = store.acquireLease.bind(store);
      store.acquireLease = async (request) => {
        if (request.name === 'mlc:sink-setup') setupLeases += 1;
        return acquire(request);
      };
      return l.sync({
        store,
        sink: powerBISink(l.pbi, { dataset: datasetForStreams('Sage X3 e2e', l.streams) }),
      });
    };
    const [again] = await l.clock.run(restart().run());
    expect(again).toMatchObject({ status: 'completed', rowsPosted: 0 });
    // Nothing to create or PUT: the dataset is found (one GET) and nothing needs serialising.
    expect(setupLeases).toBe(0);
    expect(l.pbisim.control.requests({ route: 'createDataset' })).toHaveLength(1);
    expect(l.pbisim.control.requests({ route: 'putTable' })).toHaveLength(0);
    // The dataset deleted: the note no longer describes the workspace, so the set-up runs in full, under the lease.
    await l.clock.run(l.pbi.deleteDataset(l.pbisim.control.datasets()[0]?.id ?? ''));
    const [refilled] = await l.clock.run(restart().run());
    expect(refilled).toMatchObject({ status: 'completed' });
    expect(setupLeases).toBe(1);
    expect(l.pbisim.control.requests({ route: 'createDataset' })).toHaveLength(2);
  }, 60_000);
});
