import { type SageX3Simulator, startSageX3Simulator } from '@mlc/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type X3ChangesOptions,
  X3ConfigError,
  X3RecordError,
  X3_BUILT_IN_ENTITIES,
  basicAuth,
  createX3Client,
  defineX3Entity,
  supplierSchema,
  x3Code,
  x3Decimal,
  x3Instant,
} from '../../src/index.js';

describe('entities over both transports (simulator)', () => {
  let sim: SageX3Simulator;
  let oldRoots: SageX3Simulator;
  beforeAll(async () => {
    sim = await startSageX3Simulator({ seed: 2, size: 'tiny' });
    oldRoots = await startSageX3Simulator({ seed: 2, size: 'tiny', graphqlRootStyle: 'xtremX3' });
  });
  afterAll(async () => {
    await sim?.close();
    await oldRoots?.close();
  });

  const client = (s: SageX3Simulator, transport: 'rest' | 'graphql', extra: Record<string, unknown> = {}) =>
    createX3Client({
      baseUrl: s.url,
      endpoint: s.endpoint,
      auth: basicAuth(s.credentials.basic),
      transport,
      ...extra,
    });

  it('reads all six built-in entities identically over REST and GraphQL', async () => {
    for (const entity of Object.keys(X3_BUILT_IN_ENTITIES) as Array<keyof typeof X3_BUILT_IN_ENTITIES>) {
      const out: Record<string, unknown[]> = {};
      for (const transport of ['rest', 'graphql'] as const) {
        out[transport] = [];
        for await (const change of client(sim, transport).changes(entity)) {
          expect(change.ok, `${transport} ${entity} ${change.ok ? '' : change.error.message}`).toBe(true);
          out[transport]!.push(change.ok ? [change.key, change.stamp, change.record] : change);
        }
      }
      expect(out.rest!.length, entity).toBe(sim.control.count(entity));
      expect(out.graphql, entity).toEqual(out.rest);
    }
  }, 60_000);

  it('finds the older xtremX3… roots by introspection', async () => {
    const a: string[] = [];
    const b: string[] = [];
    for await (const c of client(sim, 'graphql').changes('journalEntry')) a.push(c.key ?? '');
    for await (const c of client(oldRoots, 'graphql').changes('journalEntry')) b.push(c.key ?? '');
    expect(b).toEqual(a);
    const root = await client(oldRoots, 'graphql').graphql.resolveRoot('x3Finance', 'journalEntry');
    expect(root.rootField).toBe('xtremX3Finance');
  });

  it('introspects once per endpoint and pages raw relay queries', async () => {
    const c = client(sim, 'graphql');
    sim.control.clearRequestLog();
    for await (const _ of c.changes('supplier')) {
      // drain
    }
    for await (const _ of c.changes('product')) {
      // drain
    }
    // one introspection + one page each (tiny tables fit in one page)
    expect(sim.control.requestLog().filter((e) => e.surface === 'graphql')).toHaveLength(3);
    const keys: string[] = [];
    for await (const page of c.graphql.pages<{ _id: string }>(
      'query($first: Int, $after: String) { x3MasterData { supplier { query(first: $first, after: $after, orderBy: "{_id: 1}") { edges { node { _id } } pageInfo { endCursor hasNextPage } } } } }',
      { connectionPath: ['x3MasterData', 'supplier', 'query'], first: 6 },
    )) {
      keys.push(...page.edges.map((e) => e.node._id));
    }
    expect(keys).toHaveLength(sim.control.count('supplier'));
    expect([...keys].sort()).toEqual(keys);
  });

  it('yields invalid records with field and reason, never drops them; strict mode throws', async () => {
    const entities = {
      supplier: {
        schema: supplierSchema.extend({ currency: x3Code }),
        rest: { fields: { currency: 'NOT_THERE' } },
      },
    };
    const results = [];
    for await (const change of client(sim, 'rest', { entities }).changes('supplier')) results.push(change);
    expect(results).toHaveLength(sim.control.count('supplier'));
    const bad = results[0]!;
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.key).toMatch(/^SU/);
      expect(bad.stamp).toBeTruthy();
      expect(bad.error).toBeInstanceOf(X3RecordError);
      expect(bad.error.field).toBe('currency');
      expect(bad.error.reason).toContain('NOT_THERE');
    }
    const strict = client(sim, 'rest', { entities, strict: true });
    const error = await (async () => {
      for await (const _ of strict.changes('supplier')) {
        // first record throws
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(X3RecordError);
  });

  it('rawChanges yields the records of changes() before validation; normalize() gives the same change', async () => {
    for (const transport of ['rest', 'graphql'] as const) {
      const c = client(sim, transport);
      const changes = [];
      for await (const change of c.changes('supplier')) changes.push(change);
      const raws = [];
      for await (const raw of c.rawChanges('supplier')) raws.push(raw);
      expect(raws.map((r) => [r.key, r.stamp])).toEqual(changes.map((ch) => [ch.key, ch.stamp]));
      expect(raws.map((r) => r.normalize())).toEqual(changes);
      // Each record comes with the exact text it was parsed from (what the sync engine fingerprints).
      expect(raws.map((r) => JSON.parse(r.text ?? 'undefined'))).toEqual(raws.map((r) => r.raw));
    }
    // Invalid records are found (and strict mode throws) when normalize() is called, not when they are read.
    const entities = {
      supplier: {
        schema: supplierSchema.extend({ currency: x3Code }),
        rest: { fields: { currency: 'NOT_THERE' } },
      },
    };
    const strict = client(sim, 'rest', { entities, strict: true });
    const [first] = await (async () => {
      for await (const raw of strict.rawChanges('supplier')) return [raw];
      return [];
    })();
    expect(first?.key).toMatch(/^SU/);
    expect(() => first?.normalize()).toThrow(X3RecordError);
  });

  it('changes() parses every record even when its options hold a `held` (which only rawChanges() takes)', async () => {
    for (const transport of ['rest', 'graphql'] as const) {
      const c = client(sim, transport);
      const plain = [];
      for await (const change of c.changes('supplier')) plain.push(change);
      let asked = 0;
      const held = async (records: readonly unknown[]) => {
        asked++;
        return records.map(() => true);
      };
      const withHeld = [];
      for await (const change of c.changes('supplier', { held } as X3ChangesOptions)) withHeld.push(change);
      expect(asked, transport).toBe(0);
      expect(withHeld, transport).toEqual(plain);
      expect(plain.length, transport).toBeGreaterThan(0);
    }
  });

  it('explains a GraphQL field that the endpoint schema does not have', async () => {
    const c = client(sim, 'graphql', {
      entities: { supplier: { graphql: { fields: { name: 'companyName1' } } } },
    });
    const error = await (async () => {
      for await (const _ of c.changes('supplier')) {
        // never reached
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(X3ConfigError);
    expect((error as X3ConfigError).code).toBe('X3_SCHEMA_MISMATCH');
    expect((error as Error).message).toMatch(/companyName1/);
  });

  it('reads custom entities (site-specific classes and nodes)', async () => {
    const priced = defineX3Entity({
      name: 'pricedProduct',
      schema: z.object({ key: x3Code, updatedAt: x3Instant, price: x3Decimal }),
      rest: {
        className: 'ITMMASTER',
        representation: 'ITMMASTER',
        keyFields: ['ITMREF'],
        fields: { price: 'BASPRI' },
      },
      graphql: { packageName: 'x3MasterData', nodeName: 'product', fields: { price: 'basePrice' } },
    });
    const rows: Record<string, Array<[string, string]>> = {};
    for (const transport of ['rest', 'graphql'] as const) {
      rows[transport] = [];
      const c = createX3Client({
        baseUrl: sim.url,
        endpoint: sim.endpoint,
        auth: basicAuth(sim.credentials.basic),
        transport,
        entities: { pricedProduct: priced },
      });
      for await (const change of c.changes('pricedProduct')) {
        if (change.ok) rows[transport]!.push([change.key, change.record.price.toString()]);
      }
    }
    expect(rows.rest!.length).toBe(sim.control.count('product'));
    expect(rows.graphql).toEqual(rows.rest);
  });
});
