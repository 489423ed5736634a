import { createHash } from 'node:crypto';
import { TestClock } from '@mlc/core';
import { type SageX3Simulator, startSageX3Simulator } from '@mlc/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  X3AuthError,
  X3FilterError,
  X3GatewayError,
  X3GraphQLError,
  type X3Client,
  basicAuth,
  createX3Client,
  sdata,
} from '../../src/index.js';
import { capturingLogger, errorText } from './helpers.js';

const PASSWORD = 'Planted-Passw0rd-!x3';

describe('faults over real HTTP (simulator)', () => {
  let sim: SageX3Simulator;
  const clock = new TestClock('2024-06-01T08:00:00Z');
  const logger = capturingLogger();
  const clients = {} as Record<'rest' | 'graphql', X3Client>;

  beforeAll(async () => {
    sim = await startSageX3Simulator({
      seed: 11,
      size: {
        account: 50,
        journalEntry: 1500,
        supplier: 300,
        product: 50,
        purchaseOrder: 50,
        salesInvoice: 50,
      },
      users: [{ user: 'API', password: PASSWORD }],
      clock,
    });
    for (const transport of ['rest', 'graphql'] as const) {
      clients[transport] = createX3Client({
        baseUrl: sim.url,
        endpoint: sim.endpoint,
        auth: basicAuth({ user: 'API', password: PASSWORD }),
        transport,
        clock,
        logger,
        pageSize: 100,
        retry: { maxAttempts: 10 },
      });
    }
  });
  afterAll(() => sim?.close());
  beforeEach(() => sim.control.clearFaults());

  async function digest(client: X3Client, entity: 'journalEntry' | 'supplier') {
    const hash = createHash('sha256');
    let n = 0;
    let invalid = 0;
    for await (const change of client.changes(entity)) {
      if (!change.ok) invalid++;
      hash.update(`${change.key}|${change.stamp}|${JSON.stringify(change.ok ? change.record : null)}\n`);
      n++;
    }
    return { n, invalid, digest: hash.digest('hex') };
  }

  it('rides through 5xx, 429, connection resets, latency and malformed JSON with identical results', async () => {
    const clean = {
      rest: await clock.run(digest(clients.rest, 'journalEntry')),
      graphql: await clock.run(digest(clients.graphql, 'journalEntry')),
    };
    expect(clean.rest.n).toBe(sim.control.count('journalEntry'));
    expect(clean.rest.invalid).toBe(0);
    expect(clean.graphql.digest).toBe(clean.rest.digest);
    sim.control.setFaults({
      serverErrorRate: 0.15,
      throttleRate: 0.1,
      connectionResetRate: 0.1,
      latencyRate: 0.2,
      malformedJsonRate: 0.3,
    });
    sim.control.clearRequestLog();
    const faulty = {
      rest: await clock.run(digest(clients.rest, 'journalEntry')),
      graphql: await clock.run(digest(clients.graphql, 'journalEntry')),
    };
    expect(faulty.rest).toEqual(clean.rest);
    expect(faulty.graphql).toEqual(clean.graphql);
    const statuses = sim.control.requestLog().map((e) => e.status);
    expect(statuses).toContain(429);
    expect(statuses.some((s) => s >= 500)).toBe(true);
    // Repairs were needed and logged (with the page URL), and the data came out identical.
    expect(logger.lines.some((l) => l.includes('malformed JSON'))).toBe(true);
  }, 60_000);

  it('surfaces partial GraphQL errors with the partial data; raw requests may accept it', async () => {
    sim.control.setFaults({ graphqlPartialErrorRate: 1 });
    const error = await clock.run(digest(clients.graphql, 'journalEntry')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(X3GraphQLError);
    const e = error as X3GraphQLError;
    expect(e.kind).toBe('auth');
    expect(e.retryable).toBe(false);
    expect(e.hasPartialData).toBe(true);
    expect(e.errors[0]?.message).toMatch(/Access denied/);

    const root = await clients.graphql.graphql.resolveRoot('x3MasterData', 'supplier');
    const result = await clients.graphql.graphql.request<Record<string, unknown>>(
      `query { ${root.rootField} { supplier { query(first: 3) { edges { node { _id companyName } } } } } }`,
      {},
      { allowPartial: true },
    );
    expect(result.errors?.length).toBeGreaterThan(0);
    expect(result.data).not.toBeNull();
  }, 30_000);

  it('a gateway-shaped 5xx from the simulator surfaces $dataCode and $source on X3GatewayError', async () => {
    sim.control.setFaults({ serverErrorRate: 1 });
    const once = createX3Client({
      baseUrl: sim.url,
      endpoint: sim.endpoint,
      auth: basicAuth({ user: 'API', password: PASSWORD }),
      transport: 'graphql',
      clock,
      introspection: false,
      retry: false,
    });
    const error = await once.graphql.request('{ __typename }').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(X3GatewayError);
    expect(error).toMatchObject({ dataCode: 'InternalServerError', source: 'Gateway', kind: 'server' });
    expect([500, 502, 503]).toContain((error as X3GatewayError).status);
  });

  it('a 500 on an unknown where field becomes an X3FilterError naming the field, not retried', async () => {
    sim.control.clearRequestLog();
    const pages = clients.rest.rest.query({
      className: sim.classes.supplier.className,
      representation: sim.classes.supplier.representation,
      where: sdata.and(sdata.eq('BPSNAM', "O'Neil"), sdata.eq('NOSUCHFIELD', 1)),
    });
    const error = await (async () => {
      for await (const _ of pages) {
        // unreachable
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(X3FilterError);
    expect((error as X3FilterError).field).toBe('NOSUCHFIELD');
    expect((error as X3FilterError).status).toBe(500);
    expect((error as X3FilterError).filter).toContain('NOSUCHFIELD');
    expect((error as X3FilterError).message).toContain('NOSUCHFIELD');
    // The simulator answers with a bare 500 (as real X3 does): one probe without the filter (count=1), one resend
    // of the filtered query to rule out a passing fault, then the typed error — no blind retries.
    const log = sim.control.requestLog();
    expect(log.map((e) => e.status)).toEqual([500, 200, 500]);
    expect(log[1]?.url).not.toContain('where=');
    expect(log[1]?.url).toContain('count=1');
  });

  it('reads one record by key over both transports', async () => {
    const key = sim.control.get('journalEntry', (await first(clients.rest)).key)!.key;
    const rest = await clients.rest.read('journalEntry', key);
    const graphql = await clients.graphql.read('journalEntry', key);
    expect(rest?.ok && rest.record.lines.length).toBeGreaterThan(1);
    expect(graphql).toEqual({ ...rest, raw: graphql?.raw });
    expect(await clients.rest.read('journalEntry', 'JE-NOPE')).toBeUndefined();
  });

  it('never leaks the planted password, in errors or logs', async () => {
    const wrong = createX3Client({
      baseUrl: sim.url,
      endpoint: sim.endpoint,
      auth: basicAuth({ user: 'API', password: `${PASSWORD}-wrong` }),
      transport: 'rest',
      clock,
      logger,
    });
    const error = await clock.run(digest(wrong, 'supplier')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(X3AuthError);
    expect((error as X3AuthError).code).toBe('X3_AUTH_REJECTED');
    const basic = Buffer.from(`API:${PASSWORD}`).toString('base64');
    const haystack = `${errorText(error)}\n${logger.lines.join('\n')}`;
    expect(haystack).not.toContain(PASSWORD);
    expect(haystack).not.toContain(basic);
    expect(logger.lines.length).toBeGreaterThan(10);
  });
});

async function first(client: X3Client) {
  for await (const change of client.changes('journalEntry', { pageSize: 5 }))
    return change as { key: string };
  throw new Error('no records');
}
