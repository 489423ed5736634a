import type { PowerBISimulator } from '@mlc/testkit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPowerBIError } from '../src/index.js';
import { orderRows, ordersSchema, startSimulatedClient } from './helpers/simulated-client.js';

/** The answer a count query should get: one result, one table, one row with an integer `[n]`. */
const VALID = '{"results":[{"tables":[{"rows":[{"[n]":12}]}]}]}';

/** A count cell that is not a non-negative integer (absent, null, text, fraction, negative, boolean, object). */
const badCell = fc.oneof(
  fc.constant(null),
  fc.string(),
  fc.double({ noInteger: true, noDefaultInfinity: true }),
  fc.integer({ max: -1 }),
  fc.boolean(),
  fc.constant({}),
  fc.constant([12]),
);
const badRow = fc.oneof(
  fc.constant({}),
  badCell.map((cell) => ({ '[n]': cell })),
  fc.dictionary(
    fc.string().filter((key) => key !== '[n]' && key !== 'n'),
    fc.jsonValue(),
  ),
);
const serviceError = fc.record({ code: fc.string(), message: fc.string() });
const badTable = fc.oneof(
  fc.constant({}),
  fc.record({
    rows: fc.oneof(fc.constant(null), fc.string(), fc.constant([]), fc.array(badRow, { minLength: 1 })),
  }),
  fc.record({ rows: fc.constant([{ '[n]': 3 }]), error: serviceError }),
  fc.constantFrom(null, 7, 'table'),
);
const badResult = fc.oneof(
  fc.constant({}),
  fc.record({ tables: fc.oneof(fc.constant([]), fc.constant(null), fc.array(badTable, { minLength: 1 })) }),
  fc.record({ tables: fc.constant([{ rows: [{ '[n]': 3 }] }]), error: serviceError }),
);
/** Every kind of answer that holds no readable count: wrong JSON, missing levels, bad cells, errors, cut-off text. */
const malformedBody = fc.oneof(
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc
    .record({ results: fc.oneof(fc.constant([]), fc.constant(null), fc.array(badResult, { minLength: 1 })) })
    .map((body) => JSON.stringify(body)),
  serviceError.map((error) => JSON.stringify({ error, results: [{ tables: [{ rows: [{ '[n]': 3 }] }] }] })),
  fc.integer({ min: 1, max: VALID.length - 1 }).map((cut) => VALID.slice(0, cut)),
  fc.constantFrom('', 'null', '<html>502 Bad Gateway</html>', '{"results":[{"tables":[]}]}'),
);

let started: Awaited<ReturnType<typeof startSimulatedClient>> | undefined;
let sim: PowerBISimulator | undefined;
afterAll(async () => {
  await sim?.close();
});

describe('count answers over loopback HTTP', () => {
  beforeAll(async () => {
    started = await startSimulatedClient();
    sim = started.sim;
  });

  it('never resolves a count from an answer without an explicit integer count cell', async () => {
    const { clock, client, sim: s } = started!;
    const dataset = await clock.run(client.ensureDataset(ordersSchema));
    const orders = dataset.table('Orders');
    await clock.run(orders.append(orderRows(12), { batchId: 'b-1' }));
    // The real answer is 12; the property serves one malformed answer instead, which must reject.
    await fc.assert(
      fc.asyncProperty(malformedBody, async (body) => {
        s.control.addFault({ kind: 'replace-body', routes: ['executeQueries'], body, times: 1 });
        const outcome = await clock.run(
          orders.countWhere('_batch', 'b-1').then(
            (count) => ({ count }),
            (error: unknown) => ({ error }),
          ),
        );
        expect(outcome).not.toHaveProperty('count');
        const { error } = outcome as { error: unknown };
        expect(
          isPowerBIError(error, 'PBI_QUERY_ANSWER_UNREADABLE') || isPowerBIError(error, 'PBI_QUERY_FAILED'),
        ).toBe(true);
      }),
      { numRuns: 150 },
    );
    expect(s.control.faults()).toEqual([]);
    expect(await clock.run(orders.countWhere('_batch', 'b-1'))).toBe(12);
  }, 60_000);

  it('reads the answers that are well formed: a zero only when the service wrote 0', async () => {
    const { clock, client, sim: s } = started!;
    const dataset = await clock.run(client.ensureDataset(ordersSchema));
    const orders = dataset.table('Orders');
    for (const [body, count] of [
      ['{"results":[{"tables":[{"rows":[{"[n]":0}]}]}]}', 0],
      ['\uFEFF{"results":[{"tables":[{"rows":[{"[n]":7}]}]}]}', 7],
      ['{"results":[{"tables":[{"rows":[{"n":5}]}]}]}', 5],
    ] as const) {
      s.control.addFault({ kind: 'replace-body', routes: ['executeQueries'], body, times: 1 });
      expect(await clock.run(orders.countWhere('_batch', 'b-1'))).toBe(count);
    }
  });
});
