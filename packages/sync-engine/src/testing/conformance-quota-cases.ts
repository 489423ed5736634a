// Conformance cases of the optional shared quota (§optional.quota): rolling windows, the large-table window, pauses,
// sizes, restarts, and reservations that stay within a window when several connections race. A store without
// reserveQuota and updateQuota passes them by having neither (the engine then paces in each process).
import assert from 'node:assert/strict';
import type { QuotaRequest, QuotaWindow } from '@mlc/core';
import type { StateStore } from '../state-store/state-store.js';
import type { ConformanceCase } from './conformance-cases.js';
import { rejects } from './conformance-helpers.js';

const Q = 'conformance-quota';

/** A store's quota methods, or `undefined` when it has neither; asserts it does not have only one. */
function quotaOf(store: StateStore): Required<Pick<StateStore, 'reserveQuota' | 'updateQuota'>> | undefined {
  const { reserveQuota, updateQuota } = store;
  assert.equal(
    reserveQuota === undefined,
    updateQuota === undefined,
    'reserveQuota and updateQuota come together: implement both or neither',
  );
  if (!reserveQuota || !updateQuota) return undefined;
  return { reserveQuota: reserveQuota.bind(store), updateQuota: updateQuota.bind(store) };
}

const request = (
  now: number,
  windows: readonly QuotaWindow[],
  over: Partial<QuotaRequest> = {},
): QuotaRequest => ({
  scope: Q,
  target: 'T',
  units: 1,
  now,
  windows,
  ...over,
});

/** Conformance cases of §optional.quota (part of `stateStoreConformanceCases`). */
export const quotaConformanceCases: readonly ConformanceCase[] = [
  {
    id: 'quota-windows',
    contract: ['optional.quota'],
    title:
      'reserveQuota (optional): rolling request and unit windows, the size-gated window, pauses and sizes, kept across a reopen',
    async run(h) {
      const quota = quotaOf(h.store);
      if (!quota) return; // optional: the engine paces in each process
      const perSecond: QuotaWindow[] = [{ ms: 1_000, maxRequests: 3 }];
      for (const now of [10_000, 10_100, 10_200]) {
        assert.deepEqual(
          await quota.reserveQuota(request(now, perSecond)),
          { reserved: true },
          `request at ${now}`,
        );
      }
      assert.deepEqual(
        await quota.reserveQuota(request(10_300, perSecond)),
        { reserved: false, retryAt: 11_000 },
        'a 4th request in the window waits until the oldest leaves it',
      );
      assert.deepEqual(
        await quota.reserveQuota(request(11_000, perSecond)),
        { reserved: true },
        'then it fits',
      );
      assert.deepEqual(
        await quota.reserveQuota(request(10_300, perSecond, { scope: `${Q}-other` })),
        { reserved: true },
        'scopes are independent',
      );

      const rows: QuotaWindow[] = [{ ms: 60_000, maxUnits: 100 }];
      const rowsScope = { scope: `${Q}-rows` };
      assert.deepEqual(await quota.reserveQuota(request(20_000, rows, { ...rowsScope, units: 60 })), {
        reserved: true,
      });
      assert.deepEqual(await quota.reserveQuota(request(21_000, rows, { ...rowsScope, units: 30 })), {
        reserved: true,
      });
      assert.deepEqual(
        await quota.reserveQuota(request(22_000, rows, { ...rowsScope, units: 50 })),
        { reserved: false, retryAt: 80_000 },
        'units beyond the window wait until enough of them left it',
      );

      // The large-table window applies only once the target's recorded size reaches its threshold.
      const gated: QuotaWindow[] = [{ ms: 60_000, maxRequests: 1, minTargetSize: 1_000 }];
      const big = { scope: `${Q}-big`, target: 'Big' };
      assert.deepEqual(await quota.reserveQuota(request(30_000, gated, big)), { reserved: true });
      assert.deepEqual(
        await quota.reserveQuota(request(30_001, gated, big)),
        { reserved: true },
        'small target',
      );
      await quota.updateQuota(big.scope, { kind: 'add-size', target: 'Big', units: 600 });
      await quota.updateQuota(big.scope, { kind: 'add-size', target: 'Big', units: 600, cap: 1_100 });
      assert.deepEqual(
        await quota.reserveQuota(request(30_002, gated, big)),
        { reserved: false, retryAt: 90_001 },
        'add-size grows the target (up to its cap) and the gated window applies',
      );
      assert.deepEqual(
        await quota.reserveQuota(request(30_002, gated, { ...big, target: 'Small' })),
        { reserved: true },
        'the gate is per target: a small table of the same scope is not held',
      );
      await quota.updateQuota(big.scope, { kind: 'set-size', target: 'Small', size: 0 });
      await quota.updateQuota(big.scope, { kind: 'set-size', target: 'Big', size: 999 });
      assert.deepEqual(
        await quota.reserveQuota(request(30_003, gated, big)),
        { reserved: true },
        'set-size replaces the size (a clear, a count at start-up)',
      );
      await quota.updateQuota(big.scope, { kind: 'add-size', target: 'Big', units: 1, cap: 1_100 });

      // A pause holds every request of the scope; an earlier pause never shortens it.
      await quota.updateQuota(Q, { kind: 'pause', until: 50_000 });
      await quota.updateQuota(Q, { kind: 'pause', until: 40_000 });
      assert.deepEqual(await quota.reserveQuota(request(45_000, perSecond)), {
        reserved: false,
        retryAt: 50_000,
      });
      assert.deepEqual(await quota.reserveQuota(request(50_000, perSecond)), { reserved: true });

      // Everything is shared with another connection and survives a restart.
      const other = quotaOf(await h.connect());
      assert.ok(other, 'a second connection has the quota too');
      assert.deepEqual(
        await other.reserveQuota(request(30_004, gated, big)),
        { reserved: false, retryAt: 90_003 },
        'another connection sees the records (the window counts the whole scope) and the size',
      );
      const again = quotaOf(await h.reopen());
      assert.ok(again, 'the reopened store has the quota');
      assert.deepEqual(
        await again.reserveQuota(request(22_000, rows, { ...rowsScope, units: 50 })),
        { reserved: false, retryAt: 80_000 },
        'records survive a reopen',
      );
      assert.deepEqual(
        await again.reserveQuota(request(30_005, gated, big)),
        { reserved: false, retryAt: 90_003 },
        'sizes survive a reopen',
      );
      assert.deepEqual(await again.reserveQuota(request(49_000, perSecond)), {
        reserved: false,
        retryAt: 50_000,
      });
      assert.deepEqual(
        await again.reserveQuota(request(20_000_000, rows, { ...rowsScope, units: 100 })),
        { reserved: true },
        'records older than the longest window no longer count',
      );
    },
  },
  {
    id: 'quota-atomic',
    contract: ['optional.quota', 'concurrency', 'atomicity'],
    title:
      'reserveQuota (optional): connections racing for one window never exceed it; bad requests change nothing',
    async run(h) {
      const quota = quotaOf(h.store);
      if (!quota) return;
      const connections = [
        quota,
        ...(await Promise.all([h.connect(), h.connect(), h.connect()])).map(quotaOf),
      ];
      const window: QuotaWindow[] = [
        { ms: 60_000, maxRequests: 10 },
        { ms: 60_000, maxUnits: 1_000 },
      ];
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (connections[i % connections.length] ?? quota).reserveQuota(request(5_000, window, { units: 20 })),
        ),
      );
      assert.equal(
        answers.filter((a) => a.reserved).length,
        10,
        'exactly the window’s 10 requests are reserved',
      );
      for (const answer of answers) {
        if (!answer.reserved) assert.ok(answer.retryAt > 5_000, 'a refusal names a later instant');
      }
      const units: QuotaWindow[] = [{ ms: 60_000, maxUnits: 1_000 }];
      const unitAnswers = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          (connections[i % connections.length] ?? quota).reserveQuota(
            request(6_000, units, { scope: `${Q}-units`, units: 100 }),
          ),
        ),
      );
      assert.equal(
        unitAnswers.filter((a) => a.reserved).length,
        10,
        '1,000 units in requests of 100: exactly 10',
      );

      await rejects(quota.reserveQuota(request(7_000, [], {})), 'STORE_INVALID_ARGUMENT', 'no windows');
      await rejects(
        quota.reserveQuota(request(7_000, window, { units: -1 })),
        'STORE_INVALID_ARGUMENT',
        'units < 0',
      );
      await rejects(
        quota.reserveQuota(request(7_000, [{ ms: 0, maxRequests: 1 }])),
        'STORE_INVALID_ARGUMENT',
        'a window of 0 ms',
      );
      await rejects(
        quota.updateQuota(Q, { kind: 'set-size', target: 'T', size: Number.NaN }),
        'STORE_INVALID_ARGUMENT',
        'a size that is not a number',
      );
      assert.deepEqual(
        await quota.reserveQuota(request(5_010, window, { units: 20 })),
        { reserved: false, retryAt: 65_000 },
        'the refused calls recorded nothing',
      );
    },
  },
];
