import { TestClock } from '@mlc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SageX3Simulator, startSageX3Simulator } from '../../src/index.js';
import { type Resource, getJson, gql, pageGraphql, pageRest, restUrl } from './helpers.js';

const byStampKey = (a: Resource, b: Resource): number =>
  String(a.UPDDATTIM).localeCompare(String(b.UPDDATTIM)) || String(a.BPSNUM).localeCompare(String(b.BPSNUM));

describe('Sage X3 simulator: control-API mutations merge into every view', () => {
  let sim: SageX3Simulator;
  let clock: TestClock;
  let base: Resource[];
  beforeAll(async () => {
    clock = new TestClock('2024-02-01T00:00:00Z');
    sim = await startSageX3Simulator({ seed: 4, size: { supplier: 3_000 }, clock, maxPageSize: 500 });
    base = (await pageRest(sim, restUrl(sim, 'BPSUPPLIER', { count: '500' }))).resources;
  });
  afterAll(() => sim.close());

  it('insert, update (bumped or explicit stamps, incl. inside equal-stamp groups) and delete stay consistent', async () => {
    const keyOf = (i: number) => String(base[i]?.BPSNUM);
    const stampOf = (i: number) => String(base[i]?.UPDDATTIM);
    const deleted = new Set<string>();
    for (let i = 0; i < 120; i++) {
      const k = (i * 97) % base.length;
      if (i % 4 === 0) {
        sim.control.delete('supplier', keyOf(k));
        deleted.add(keyOf(k));
      } else if (i % 4 === 1) {
        // move a record into another record's stamp: it must sort by key inside that group
        if (!deleted.has(keyOf(k)))
          sim.control.update('supplier', keyOf(k), {
            at: stampOf((k * 7) % base.length),
            values: { isActive: false },
          });
      } else if (i % 4 === 2) {
        if (!deleted.has(keyOf(k)))
          sim.control.update('supplier', keyOf(k), { values: { companyName: `Renamed ${i}` } });
      } else {
        sim.control.insert(
          'supplier',
          i % 8 === 3 ? { at: stampOf(k) } : { values: { companyName: `New ${i}` } },
        );
      }
    }
    await clock.advance(1000);
    sim.control.insert('supplier', { key: 'ZZCUSTOM1', values: { companyName: 'Custom key' } });

    const byKey = (await pageRest(sim, restUrl(sim, 'BPSUPPLIER', { count: '113' }))).resources;
    expect(byKey).toHaveLength(sim.control.count('supplier'));
    expect(byKey.length).toBe(base.length - deleted.size + 30 + 1);
    expect(byKey.map((r) => r.BPSNUM)).toEqual([...byKey.map((r) => String(r.BPSNUM))].sort());
    expect(byKey.some((r) => deleted.has(String(r.BPSNUM)))).toBe(false);
    expect(byKey.filter((r) => String(r.BPSNAM).startsWith('Renamed')).length).toBe(30);
    expect(byKey.filter((r) => r.UPDDATTIM === '2024-02-01T00:00:00Z').length).toBe(30 + 15);
    // control.records() walks the same live records, in the same key order, with the same values.
    const walked = [...sim.control.records('supplier')];
    expect(walked.map((r) => r.key)).toEqual(byKey.map((r) => String(r.BPSNUM)));
    expect(walked.map((r) => r.updatedAt)).toEqual(byKey.map((r) => String(r.UPDDATTIM)));

    const expected = [...byKey].sort(byStampKey).map((r) => r.BPSNUM);
    const rest = await pageRest(sim, restUrl(sim, 'BPSUPPLIER', { count: '37', orderBy: 'UPDDATTIM asc' }));
    expect(rest.resources.map((r) => r.BPSNUM)).toEqual(expected);
    const graph = await pageGraphql(sim, 'x3MasterData', 'supplier', {
      first: 41,
      orderBy: '{_updateStamp: 1}',
    });
    expect(graph.nodes.map((n) => n._id)).toEqual(expected);

    const byName = await pageRest(sim, restUrl(sim, 'BPSUPPLIER', { count: '250', orderBy: 'BPSNAM desc' }));
    const nameOrder = [...byKey]
      .sort((a, b) =>
        String(a.BPSNAM) < String(b.BPSNAM)
          ? 1
          : String(a.BPSNAM) > String(b.BPSNAM)
            ? -1
            : String(a.BPSNUM).localeCompare(String(b.BPSNUM)),
      )
      .map((r) => r.BPSNUM);
    expect(byName.resources.map((r) => r.BPSNUM)).toEqual(nameOrder);

    const gone = [...deleted][0] as string;
    expect(
      (
        await getJson(
          sim,
          `${sim.url}/api1/x3/erp/SEED/BPSUPPLIER('${gone}')?representation=BPSUPPLIER.$details`,
        )
      ).status,
    ).toBe(404);
    const read = await gql(sim, `{ x3MasterData { supplier { read(_id: "${gone}") { _id } } } }`);
    expect(read.body.data).toEqual({ x3MasterData: { supplier: { read: null } } });
  });

  it('a record updated during a paging run shows up again at its new stamp', async () => {
    const first = await getJson(sim, restUrl(sim, 'BPSUPPLIER', { count: '50', orderBy: 'UPDDATTIM asc' }));
    const seen = (first.body.$resources as Resource[]).map((r) => String(r.BPSNUM));
    await clock.advance(60_000);
    const updated = sim.control.update('supplier', seen[10] as string);
    expect(updated.updatedAt).toBe('2024-02-01T00:01:01Z');
    const rest = await pageRest(sim, (first.body.$links as { $next: { $url: string } }).$next.$url);
    const tail = rest.resources.at(-1) as Resource;
    expect([tail.BPSNUM, tail.UPDDATTIM]).toEqual([seen[10], '2024-02-01T00:01:01Z']);
  });

  it('offers the same control API over HTTP under /__sim', async () => {
    const post = await fetch(`${sim.url}/__sim/records/supplier`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ values: { companyName: 'Via HTTP' } }),
    });
    const created = (await post.json()) as { key: string; values: { companyName: string } };
    expect(created.values.companyName).toBe('Via HTTP');
    const patch = await fetch(`${sim.url}/__sim/records/supplier/${created.key}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ values: { nope: 1 } }),
    });
    expect(patch.status).toBe(400);
    expect(await patch.json()).toEqual({ error: 'supplier: unknown field "nope"' });
    const del = await fetch(`${sim.url}/__sim/records/supplier/${created.key}`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(sim.control.get('supplier', created.key)).toBeUndefined();
  });
});
