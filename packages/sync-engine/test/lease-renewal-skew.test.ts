import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../src/index.js';
import { drive, duplicates, keyCounts, seedOrders, world } from './helpers.js';

describe('lease renewal', () => {
  it('renews on the worker clock even when the store stamps expiry with a clock far ahead of it', async () => {
    const w = world();
    seedOrders(w.source, 1000);
    // The store (think PostgreSQL's clock_timestamp()) runs 30 minutes ahead of this worker's clock: every
    // `expiresAt` it returns looks far away to the worker, but the lease still lasts only `ttl` in store time.
    const skewed = { now: () => w.clock.now() + 30 * 60_000 };
    const rivalTakes: boolean[] = [];
    const hooks = {
      onProtocolStep: async (step: string) => {
        if (step !== 'committed') return;
        await w.clock.advance(20_000); // each batch takes 20 s; the whole run far exceeds the 60 s TTL
        const rival = new MemoryStateStore({ storage: w.storage, clock: skewed });
        await rival.open();
        rivalTakes.push(
          (await rival.acquireLease({ name: 'orders', owner: 'rival', ttlMs: 60_000 })) !== undefined,
        );
      },
    };
    const [result] = await drive(
      w.clock,
      w
        .sync({
          hooks,
          owner: 'worker',
          leaseTtlMs: 60_000,
          store: new MemoryStateStore({ storage: w.storage, clock: skewed }),
        })
        .run(),
    );
    expect(result).toMatchObject({ status: 'completed', rowsPosted: 1000 });
    expect(rivalTakes.length).toBeGreaterThan(5);
    expect(rivalTakes.every((took) => !took)).toBe(true);
    expect(keyCounts(w.sink).size).toBe(1000);
    expect(duplicates(w.sink)).toEqual([]);
  });
});
