import type { PowerBISimulator } from '@mlc/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { POWER_BI_LIMITS, PowerBITableFullError, defineDataset, isPowerBIError } from '../src/index.js';
import { orderRows, ordersSchema, startSimulatedClient } from './helpers/simulated-client.js';

// Issue 11: the 5,000,000-row cap of a push table with retention None ([documented] reference §0, §3). The client
// counts the rows it knows of (setKnownRowCount at start-up, plus its appends), reports 80 % and 95 % once each,
// and refuses an append that would pass the cap before any request leaves. basicFIFO tables trim themselves.
const CAP = POWER_BI_LIMITS.maxRowsPerTableNone;

let sim: PowerBISimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('the row cap of a push table', () => {
  it('reports 80 % and 95 % once each, then refuses the append that would pass the cap without sending it', async () => {
    const started = await startSimulatedClient();
    sim = started.sim;
    const { clock, client, lines } = started;
    const dataset = await clock.run(client.ensureDataset(ordersSchema));
    const orders = dataset.table('Orders');
    orders.setKnownRowCount(CAP * 0.8 - 5);
    const first = await clock.run(orders.append(orderRows(10)));
    expect(first.capacity).toEqual({ table: 'Orders', rows: CAP * 0.8 + 5, cap: CAP, threshold: 0.8 });
    expect(lines.join('\n')).toMatch(/holds 4000005 rows, 80% of its 5000000-row cap/);
    expect((await clock.run(orders.append(orderRows(10, 10)))).capacity).toBeUndefined();

    orders.setKnownRowCount(CAP * 0.95);
    expect((await clock.run(orders.append(orderRows(1, 20)))).capacity).toMatchObject({ threshold: 0.95 });
    // Past both levels at once (e.g. a restart near the cap): the higher one is reported.
    orders.setKnownRowCount(CAP * 0.96);
    expect((await clock.run(orders.append(orderRows(1, 21)))).capacity).toMatchObject({ threshold: 0.95 });

    orders.setKnownRowCount(CAP - 10);
    const posts = sim.control.requests({ route: 'postRows' }).length;
    const refused = await clock.run(orders.append(orderRows(11, 30))).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PowerBITableFullError);
    expect(isPowerBIError(refused, 'PBI_TABLE_FULL')).toBe(true);
    expect(refused).toMatchObject({ rows: CAP - 10, adding: 11, cap: CAP, retryable: false });
    expect((refused as Error).message).toMatch(/one table per year.*rolling window.*versioned/s);
    expect(sim.control.requests({ route: 'postRows' })).toHaveLength(posts);
    // Exactly up to the cap is still accepted.
    expect((await clock.run(orders.append(orderRows(10, 30)))).outcome).toBe('applied');
  });

  it('does not cap a basicFIFO table (the service trims it to about 200,000 rows)', async () => {
    const started = await startSimulatedClient();
    sim = started.sim;
    const fifo = defineDataset({
      name: 'Fifo',
      retentionPolicy: 'basicFIFO',
      tables: {
        Orders: {
          columns: {
            id: 'Int64',
            amount: 'Decimal',
            postedAt: 'DateTime',
            paid: 'Boolean',
            ratio: 'Double',
            status: 'String',
          },
        },
      },
    });
    const dataset = await started.clock.run(started.client.ensureDataset(fifo));
    const orders = dataset.table('Orders');
    orders.setKnownRowCount(CAP);
    const result = await started.clock.run(orders.append(orderRows(5)));
    expect(result.outcome).toBe('applied');
    expect(result.capacity).toBeUndefined();
  });
});
