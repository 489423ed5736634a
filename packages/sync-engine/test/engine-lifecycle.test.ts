import { describe, expect, it } from 'vitest';
import { MemoryStateStore, type Sync } from '../src/index.js';
import { drive, seedOrders, world } from './helpers.js';

describe('lifecycle', () => {
  for (const [name, dispose] of [
    ['close()', (s: Sync) => s.close()],
    ['Symbol.asyncDispose', (s: Sync) => s[Symbol.asyncDispose]()],
  ] as const) {
    it(`${name} stops the schedules, leaves no pending sleep and closes the store`, async () => {
      const w = world();
      seedOrders(w.source, 5);
      const store = new MemoryStateStore({ storage: w.storage, clock: w.clock });
      let closes = 0;
      const close = store.close.bind(store);
      store.close = async () => {
        closes += 1;
        return close();
      };
      const sync = w.sync({ store }, { schedule: { cron: '* * * * * *' } });
      sync.start();
      await w.clock.advance(1_000);
      while (sync.isRunning()) await new Promise((resolve) => setImmediate(resolve));
      await drive(w.clock, dispose(sync));
      expect(closes).toBe(1);
      expect(w.clock.pendingSleeps).toBe(0);
      expect(sync.isRunning()).toBe(false);
      // Time passing starts no run.
      await w.clock.advance(10_000);
      expect(sync.isRunning()).toBe(false);
      expect(w.clock.pendingSleeps).toBe(0);
    });
  }
});
