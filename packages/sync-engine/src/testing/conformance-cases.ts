import assert from 'node:assert/strict';
import type { TestClock } from '@mlc/core';
import type { StateStore } from '../state-store/state-store.js';
import { isStateStoreError } from '../state-store/state-store-error.js';
import {
  type DeadLetter,
  type Fence,
  type LedgerWrite,
  STATE_STORE_SCHEMA_VERSION,
} from '../state-store/types.js';
import { contractConformanceCases } from './conformance-contract-cases.js';
import { quotaConformanceCases } from './conformance-quota-cases.js';
import { entries, intent, lease, rejects, S, snapshotOf } from './conformance-helpers.js';

/** What a conformance case gets: an opened, empty store and the hooks around it. */
export interface ConformanceHarness {
  /** The store under test, opened and empty. */
  store: StateStore;
  /** The clock the store was created with (advance it to expire leases). */
  clock: TestClock;
  /** Closes `store` and opens a new instance over the same data (opened). */
  reopen(): Promise<StateStore>;
  /** A second, independent, opened instance over the same data (a second connection or process). */
  connect(): Promise<StateStore>;
  /** Closes `store` and writes this schema version into its data; the next `open()` must see it. */
  setStoredSchemaVersion(version: number): Promise<void>;
  /** Closes `store` and damages its data so that it cannot be read. */
  corrupt(): Promise<void>;
  /** A fresh, never-opened instance over the same data. */
  unopened(): Promise<StateStore>;
}

/** One check of the contract. */
export interface ConformanceCase {
  /** Stable id (use it in `skip`). */
  id: string;
  /** What it proves. */
  title: string;
  /**
   * The paragraphs of `docs/state-store-contract.md` it checks (their `§` ids, e.g. `fence` for **§fence**).
   */
  contract: readonly string[];
  /** Runs the check; throws an `AssertionError` naming what is wrong. */
  run(harness: ConformanceHarness): Promise<void>;
}

/** The checks every {@link StateStore} must pass (see `docs/state-store-contract.md`). */
export const stateStoreConformanceCases: readonly ConformanceCase[] = [
  {
    id: 'open',
    contract: ['lifecycle.open', 'lifecycle.not-open'],
    title: 'a new store opens empty at the current schema version; nothing works before open()',
    async run(h) {
      assert.equal(await h.store.schemaVersion(), STATE_STORE_SCHEMA_VERSION);
      assert.equal(await h.store.getCursor(S), undefined);
      assert.deepEqual(await h.store.listOpenBatches(), []);
      const fresh = await h.unopened();
      await rejects(fresh.getCursor(S), 'STORE_NOT_OPEN', 'getCursor before open()');
      await fresh.open();
      await fresh.open();
      assert.equal(await fresh.schemaVersion(), STATE_STORE_SCHEMA_VERSION, 'open() twice is a no-op');
    },
  },
  {
    id: 'schema-newer',
    contract: ['lifecycle.schema-newer'],
    title: 'a store written by a newer schema version is a loud STORE_SCHEMA_NEWER error, never empty',
    async run(h) {
      const l = await lease(h.store);
      await h.store.beginBatch(intent('b1'), l);
      await h.store.commitBatch('b1', l, { at: 2 });
      await h.setStoredSchemaVersion(STATE_STORE_SCHEMA_VERSION + 1);
      const next = await h.unopened();
      await rejects(next.open(), 'STORE_SCHEMA_NEWER', 'open() of a newer store');
      await rejects(next.getCursor(S), 'STORE_NOT_OPEN', 'getCursor after a failed open()');
    },
  },
  {
    id: 'unreadable',
    contract: ['lifecycle.unreadable'],
    title: 'unreadable data is a loud STORE_UNREADABLE error, never empty',
    async run(h) {
      const l = await lease(h.store);
      await h.store.beginBatch(intent('b1'), l);
      await h.store.commitBatch('b1', l, { at: 2 });
      await h.corrupt();
      const next = await h.unopened();
      await rejects(next.open(), 'STORE_UNREADABLE', 'open() of corrupt data');
    },
  },
  {
    id: 'commit-applies',
    contract: ['batch.begin', 'batch.commit', 'ledger.write'],
    title:
      'commit applies ledger writes, cursor and status together; a second commit is STORE_BATCH_NOT_OPEN',
    async run(h) {
      const l = await lease(h.store);
      await h.store.beginBatch(intent('b1'), l);
      assert.equal((await h.store.lookupLedger(S, ['k1', 'k2'])).size, 0, 'nothing applied before commit');
      assert.equal(await h.store.getCursor(S), undefined, 'cursor unchanged before commit');
      await h.store.commitBatch('b1', l, { at: 2 });
      const ledger = await h.store.lookupLedger(S, ['k1', 'k2', 'missing']);
      assert.deepEqual([...ledger.keys()].sort(), ['k1', 'k2']);
      assert.equal(ledger.get('k1')?.hash, 'h-k1');
      assert.equal(ledger.get('k1')?.version, 1);
      assert.deepEqual(await h.store.getCursor(S), { stamp: '2024-01-01T00:00:00.001Z', key: 'k2' });
      assert.equal((await h.store.getBatch('b1'))?.status, 'committed');
      assert.deepEqual(await h.store.listOpenBatches(S), []);
      await rejects(h.store.commitBatch('b1', l, { at: 3 }), 'STORE_BATCH_NOT_OPEN', 'second commit');
      await rejects(
        h.store.commitBatch('nope', l, { at: 3 }),
        'STORE_BATCH_NOT_FOUND',
        'commit of unknown batch',
      );
      await rejects(h.store.beginBatch(intent('b1'), l), 'STORE_BATCH_EXISTS', 'begin with an existing id');
      // Ledger writes replace entries and deletes remove them.
      await h.store.beginBatch(
        intent('b2', {
          cursor: { stamp: '2024-01-01T00:00:00.002Z', key: 'a' },
          entries: [
            { key: 'k1', hash: 'h2', version: 2, seenHash: 's', rows: [{ x: 1 }] },
            { key: 'k2', hash: '', version: 0, delete: true },
          ],
        }),
        l,
      );
      await h.store.commitBatch('b2', l, { at: 4 });
      const after = await h.store.lookupLedger(S, ['k1', 'k2']);
      assert.equal(after.has('k2'), false, 'delete removes the key');
      assert.equal(after.get('k1')?.hash, 'h2');
      assert.equal(after.get('k1')?.version, 2);
      assert.equal(after.get('k1')?.seenHash, 's');
      assert.deepEqual(after.get('k1')?.rows, [{ x: 1 }]);
    },
  },
  {
    id: 'ledger-fingerprint',
    contract: ['ledger.write', 'ledger.lookup', 'ledger.scan'],
    title:
      'a ledger fingerprint is stored beside the hash and read back; a write without one clears it (layout 2)',
    async run(h) {
      const l = await lease(h.store);
      const write = (id: string, list: LedgerWrite[]) =>
        h.store
          .beginBatch(intent(id, { kind: 'state', rows: [], rowCount: 0, entries: list }), l)
          .then(() => h.store.commitBatch(id, l, { at: 2 }));
      await write('f1', [
        { key: 'k1', hash: 'h1', version: 1, fingerprint: 'v1.raw-1' },
        { key: 'k2', hash: 'h2', version: 1 },
      ]);
      const found = await h.store.lookupLedger(S, ['k1', 'k2']);
      assert.equal(found.get('k1')?.fingerprint, 'v1.raw-1', 'lookupLedger returns the fingerprint');
      assert.equal(found.get('k2')?.fingerprint, undefined, 'an entry written without one has none');
      assert.equal(
        (await h.store.scanLedger(S, { limit: 10 })).find((e) => e.key === 'k1')?.fingerprint,
        'v1.raw-1',
        'scanLedger returns the fingerprint',
      );
      // The engine skips a record whose fingerprint matches: a stale one surviving a rewrite would hide a change.
      await write('f2', [
        { key: 'k1', hash: 'h1b', version: 2 },
        { key: 'k2', hash: 'h2', version: 1, fingerprint: 'v1.raw-2' },
      ]);
      const after = await h.store.lookupLedger(S, ['k1', 'k2']);
      assert.equal(after.get('k1')?.hash, 'h1b');
      assert.equal(after.get('k1')?.fingerprint, undefined, 'a write without a fingerprint clears it');
      assert.equal(after.get('k2')?.fingerprint, 'v1.raw-2', 'a write with one replaces it');
    },
  },
  {
    id: 'commit-atomic-readers',
    contract: ['atomicity'],
    title: 'concurrent readers never observe a half-applied commit',
    async run(h) {
      const l = await lease(h.store);
      const keys = Array.from({ length: 200 }, (_, i) => `k${String(i).padStart(4, '0')}`);
      await h.store.beginBatch(intent('b1', { entries: entries(keys) }), l);
      const reader = await h.connect();
      const violations: string[] = [];
      let done = false;
      const observe = async () => {
        let i = 0;
        while (!done) {
          i += 1;
          if (i % 2 === 0) {
            // Read order ledger → cursor → status: once the ledger is new, the rest must be new too.
            const ledgerNew = (await reader.lookupLedger(S, keys)).size;
            const cursorNew = (await reader.getCursor(S)) !== undefined;
            const statusNew = (await reader.getBatch('b1'))?.status === 'committed';
            if (ledgerNew !== 0 && ledgerNew !== keys.length)
              violations.push(`ledger half applied (${ledgerNew})`);
            if (ledgerNew > 0 && (!cursorNew || !statusNew))
              violations.push('ledger applied before cursor/status');
          } else {
            const statusNew = (await reader.getBatch('b1'))?.status === 'committed';
            const cursorNew = (await reader.getCursor(S)) !== undefined;
            const ledgerNew = (await reader.lookupLedger(S, keys)).size;
            if (statusNew && (!cursorNew || ledgerNew !== keys.length))
              violations.push('status committed before ledger/cursor');
            if (cursorNew && ledgerNew !== keys.length)
              violations.push('cursor moved before the ledger was applied');
          }
          await new Promise((resolve) => setImmediate(resolve));
        }
      };
      const observer = observe();
      await new Promise((resolve) => setImmediate(resolve));
      await h.store.commitBatch('b1', l, { at: 2 });
      done = true;
      await observer;
      assert.deepEqual([...new Set(violations)], [], 'a reader saw a partly applied commit');
    },
  },
  {
    id: 'commit-atomic-on-reject',
    contract: ['atomicity', 'batch.commit'],
    title: 'a rejected commit (cursor backwards, stale fence) changes nothing',
    async run(h) {
      const l = await lease(h.store);
      await h.store.beginBatch(intent('b1', { cursor: { stamp: '2024-06-01T00:00:00Z', key: 'z' } }), l);
      await h.store.commitBatch('b1', l, { at: 2 });
      await h.store.beginBatch(
        intent('b2', { entries: entries(['n1', 'n2']), cursor: { stamp: '2024-01-01T00:00:00Z', key: 'a' } }),
        l,
      );
      await rejects(
        h.store.commitBatch('b2', l, { at: 3 }),
        'STORE_CURSOR_BACKWARDS',
        'commit moving the cursor back',
      );
      assert.equal(
        (await h.store.lookupLedger(S, ['n1', 'n2'])).size,
        0,
        'ledger untouched by a rejected commit',
      );
      assert.deepEqual(await h.store.getCursor(S), { stamp: '2024-06-01T00:00:00Z', key: 'z' });
      assert.equal(
        (await h.store.getBatch('b2'))?.status,
        'open',
        'batch stays open after a rejected commit',
      );
    },
  },
  {
    id: 'cursor-forward',
    contract: ['cursor.order', 'batch.commit'],
    title: 'the cursor never moves backwards (instant first, then raw string, then key)',
    async run(h) {
      const l = await lease(h.store);
      const commit = async (id: string, stamp: string, key: string) => {
        await h.store.beginBatch(intent(id, { entries: [], cursor: { stamp, key } }), l);
        await h.store.commitBatch(id, l, { at: 2 });
      };
      await commit('b1', '2024-01-01T10:00:00Z', 'm');
      await commit('b2', '2024-01-01T10:00:00Z', 'n'); // same stamp, later key: forward
      await commit('b3', '2024-01-01T11:00:00+01:00', 'n'); // same instant, same key: not backwards
      await h.store.beginBatch(
        intent('b4', { entries: [], cursor: { stamp: '2024-01-01T10:00:00Z', key: 'a' } }),
        l,
      );
      await rejects(
        h.store.commitBatch('b4', l, { at: 2 }),
        'STORE_CURSOR_BACKWARDS',
        'earlier key at the same stamp',
      );
      await h.store.beginBatch(
        intent('b5', { entries: [], cursor: { stamp: '2024-01-01T05:00:00-06:00', key: 'a' } }),
        l,
      );
      await h.store.commitBatch('b5', l, { at: 2 }); // 11:00Z is later than 10:00Z although the string sorts lower
      assert.deepEqual(await h.store.getCursor(S), { stamp: '2024-01-01T05:00:00-06:00', key: 'a' });
      await h.store.beginBatch(intent('b6', { entries: entries(['x']) }), l);
      const withoutCursor = intent('b7', { entries: entries(['y']) });
      delete withoutCursor.cursor;
      await h.store.beginBatch(withoutCursor, l);
      await h.store.commitBatch('b7', l, { at: 2 });
      assert.deepEqual(
        await h.store.getCursor(S),
        { stamp: '2024-01-01T05:00:00-06:00', key: 'a' },
        'no cursor = unchanged',
      );
    },
  },
  {
    id: 'ledger-bulk',
    contract: ['ledger.lookup', 'ledger.scan'],
    title: 'bulk ledger look-ups of 10,000 keys; ordered scans; counts',
    async run(h) {
      const l = await lease(h.store);
      const keys = Array.from({ length: 10_000 }, (_, i) => `key-${String(i).padStart(5, '0')}`);
      await h.store.beginBatch(intent('b1', { entries: entries(keys) }), l);
      await h.store.commitBatch('b1', l, { at: 2 });
      const asked = [...keys, 'absent-1', 'absent-2'];
      const found = await h.store.lookupLedger(S, asked);
      assert.equal(found.size, 10_000);
      assert.equal(found.get('key-09999')?.hash, 'h-key-09999');
      assert.equal(
        (await h.store.lookupLedger('other-stream', keys.slice(0, 10))).size,
        0,
        'ledgers are per stream',
      );
      assert.equal(await h.store.countLedger(S), 10_000);
      const first = await h.store.scanLedger(S, { limit: 3 });
      assert.deepEqual(
        first.map((e) => e.key),
        ['key-00000', 'key-00001', 'key-00002'],
      );
      const next = await h.store.scanLedger(S, { afterKey: 'key-00002', limit: 2 });
      assert.deepEqual(
        next.map((e) => e.key),
        ['key-00003', 'key-00004'],
      );
      const tail = await h.store.scanLedger(S, { afterKey: 'key-09998', limit: 10 });
      assert.deepEqual(
        tail.map((e) => e.key),
        ['key-09999'],
      );
    },
  },
  {
    id: 'intents-survive-reopen',
    contract: ['durability', 'batch.update', 'order.oldest-first'],
    title: 'open intents (rows byte for byte, progress) survive a reopen and commit afterwards',
    async run(h) {
      const l = await lease(h.store);
      const rows = [
        { id: 'é€😀', n: 12345678901234, f: 0.1 + 0.2, b: false, z: null, d: '2024-02-29T23:59:59.999Z' },
        { id: 'x', n: -1, f: 1e-7, b: true, z: null, d: '1970-01-01T00:00:00.000Z' },
      ];
      await h.store.beginBatch(intent('b1', { rows, rowCount: 2 }), l);
      await h.store.updateBatch('b1', { postedAt: 1234, attempts: 1 }, l);
      const answeredOn = {
        clock: 'linux-monotonic:0c1d2e3f-0000-4000-8000-000000000001:time:[4026531834]',
        ms: 987654321.5,
      };
      await h.store.updateBatch('b1', { answeredAt: 1240, answeredAttempt: 1, answeredOn }, l);
      await h.store.beginBatch(
        intent('r1', { kind: 'rebuild', mode: 'replace', rows: [], entries: [], rowCount: 0, createdAt: 5 }),
        l,
      );
      await h.store.updateBatch(
        'r1',
        {
          rebuild: {
            phase: 'post',
            postedThroughKey: 'k9',
            chunksPosted: 3,
            rowsPosted: 30,
            inflight: {
              batchId: 'r1.4',
              toKey: 'k12',
              rowCount: 10,
              postedAt: 77,
              answeredAt: 80,
              answeredOn,
            },
          },
        },
        l,
      );
      const store = await h.reopen();
      const open = await store.listOpenBatches(S);
      assert.deepEqual(
        open.map((b) => b.batchId),
        ['b1', 'r1'],
        'open intents after reopen, oldest first',
      );
      assert.deepEqual(open[0]?.rows, rows, 'rows survive byte for byte');
      assert.equal(JSON.stringify(open[0]?.rows), JSON.stringify(rows), 'the same JSON text: key order too');
      assert.equal(open[0]?.postedAt, 1234);
      assert.equal(open[0]?.answeredAt, 1240, 'answeredAt survives a reopen (a takeover reads it)');
      assert.equal(
        open[0]?.answeredAttempt,
        1,
        'answeredAttempt survives a reopen (which POST was answered)',
      );
      assert.deepEqual(
        open[0]?.answeredOn,
        answeredOn,
        "answeredOn survives a reopen (the answer's monotonic time)",
      );
      assert.equal(open[0]?.attempts, 1);
      assert.deepEqual(open[0]?.cursor, { stamp: '2024-01-01T00:00:00.001Z', key: 'k2' });
      assert.deepEqual(
        open[1]?.rebuild?.inflight,
        { batchId: 'r1.4', toKey: 'k12', rowCount: 10, postedAt: 77, answeredAt: 80, answeredOn },
        'the chunk in flight survives whole, its answer included',
      );
      assert.equal(open[1]?.rebuild?.postedThroughKey, 'k9');
      const again = await store.acquireLease({ name: S, owner: 'A', ttlMs: 1000 });
      assert.ok(again, 'the same owner can take its lease again after a reopen');
      await store.commitBatch('b1', again, { at: 9 });
      assert.equal((await store.lookupLedger(S, ['k1'])).get('k1')?.hash, 'h-k1');
    },
  },
  {
    id: 'lease-exclusive',
    contract: ['lease.acquire', 'lease.renew', 'lease.release'],
    title: 'a lease is exclusive until it expires or is released; tokens only grow',
    async run(h) {
      const a = await lease(h.store, 'A', S, 1000);
      assert.equal(
        await h.store.acquireLease({ name: S, owner: 'B', ttlMs: 1000 }),
        undefined,
        'B while A holds it',
      );
      assert.ok(
        await h.store.acquireLease({ name: 'another', owner: 'B', ttlMs: 1000 }),
        'leases are per name',
      );
      await h.clock.advance(600);
      const renewed = await h.store.renewLease(a, 1000);
      assert.equal(renewed.token, a.token, 'renewal keeps the token');
      await h.clock.advance(600);
      assert.equal(
        await h.store.acquireLease({ name: S, owner: 'B', ttlMs: 1000 }),
        undefined,
        'renewal extended it',
      );
      await h.clock.advance(1000);
      const b = await h.store.acquireLease({ name: S, owner: 'B', ttlMs: 1000 });
      assert.ok(b, 'B gets the lease once it expired');
      assert.ok(b.token > a.token, 'a new holder gets a higher token');
      await rejects(h.store.renewLease(renewed, 1000), 'STORE_LEASE_LOST', 'renewal by the old holder');
      await h.store.releaseLease(renewed); // no-op: not current
      assert.equal(
        await h.store.acquireLease({ name: S, owner: 'C', ttlMs: 1000 }),
        undefined,
        'stale release is a no-op',
      );
      await h.store.releaseLease(b);
      const c = await h.store.acquireLease({ name: S, owner: 'C', ttlMs: 1000 });
      assert.ok(c && c.token > b.token, 'tokens keep growing after a release');
    },
  },
  {
    id: 'stale-fence',
    contract: ['fence', 'atomicity'],
    title: 'every fenced write with a stale or foreign token is rejected and changes nothing',
    async run(h) {
      const a = await lease(h.store, 'A', S, 1000);
      // The intent carries ledger writes AND a cursor, so a store that applies either before checking the
      // fence is caught; everything a stream holds is compared after each rejected write.
      await h.store.beginBatch(intent('b1', { cursor: { stamp: '2024-03-01T00:00:00Z', key: 'k2' } }), a);
      await h.clock.advance(2000);
      const b = await lease(h.store, 'B', S, 1000);
      const keys = ['k1', 'k2'];
      const before = await snapshotOf(h.store, S, keys);
      const batchBefore = await h.store.getBatch('b1');
      const unchanged = async (what: string) => {
        assert.deepEqual(
          await snapshotOf(h.store, S, keys),
          before,
          `${what} changed the cursor, ledger, open intents or dead letters`,
        );
        assert.deepEqual(await h.store.getBatch('b1'), batchBefore, `${what} changed the intent`);
      };
      await rejects(
        h.store.commitBatch('b1', a, { at: 2 }),
        'STORE_STALE_FENCE',
        'commit with a stale token',
      );
      await unchanged('a commit with a stale token');
      await rejects(h.store.beginBatch(intent('b2'), a), 'STORE_STALE_FENCE', 'begin with a stale token');
      assert.equal(await h.store.getBatch('b2'), undefined, 'a stale begin wrote no intent');
      await rejects(
        h.store.updateBatch('b1', { attempts: 9, postedAt: 99 }, a),
        'STORE_STALE_FENCE',
        'update with a stale token',
      );
      await unchanged('an update with a stale token');
      await rejects(
        h.store.failBatch(
          'b1',
          { status: 'quarantined', deadLetterId: 'dl1', at: 2, failure: { code: 'X', message: 'x' } },
          a,
        ),
        'STORE_STALE_FENCE',
        'fail with a stale token',
      );
      await unchanged('a quarantine with a stale token');
      const letter: DeadLetter = {
        id: 'dl-r',
        stream: S,
        kind: 'record',
        status: 'open',
        createdAt: 1,
        reason: 'bad',
      };
      await rejects(
        h.store.addDeadLetters([letter], a),
        'STORE_STALE_FENCE',
        'dead letter with a stale token',
      );
      await unchanged('a dead letter with a stale token');
      const other = await lease(h.store, 'B', 'other-stream', 1000);
      await rejects(
        h.store.commitBatch('b1', other, { at: 2 }),
        'STORE_STALE_FENCE',
        "commit under another stream's lease",
      );
      await rejects(
        h.store.commitBatch('b1', { name: S, token: b.token + 1 }, { at: 2 }),
        'STORE_STALE_FENCE',
        'a token never issued',
      );
      await unchanged('a commit under a foreign or never-issued token');
      await h.store.commitBatch('b1', b, { at: 3 });
      assert.equal((await h.store.lookupLedger(S, ['k1'])).size, 1, 'the current holder commits');
      assert.deepEqual(await h.store.getCursor(S), { stamp: '2024-03-01T00:00:00Z', key: 'k2' });
      await h.store.releaseLease(b);
      const c = await lease(h.store, 'C', S);
      await h.store.beginBatch(intent('b3', { cursor: { stamp: '2025-01-01T00:00:00Z', key: 'a' } }), c);
      await rejects(h.store.commitBatch('b3', b, { at: 4 }), 'STORE_STALE_FENCE', 'commit after release');
      assert.deepEqual(
        await h.store.getCursor(S),
        { stamp: '2024-03-01T00:00:00Z', key: 'k2' },
        'a commit after release moved the cursor',
      );
      await h.store.addDeadLetters([{ ...letter, id: 'dl-x' }], c);
      await rejects(
        h.store.setDeadLetterStatus(['dl-x'], 'discarded', b, 5),
        'STORE_STALE_FENCE',
        'setDeadLetterStatus after release',
      );
      assert.equal((await h.store.listDeadLetters({ ids: ['dl-x'] }))[0]?.status, 'open');
    },
  },
  {
    id: 'concurrent-writers',
    contract: ['concurrency', 'lease.acquire'],
    title: 'two concurrent writers: one lease winner, one commit per batch, no lost updates across streams',
    async run(h) {
      const second = await h.connect();
      const [x, y] = await Promise.all([
        h.store.acquireLease({ name: S, owner: 'A', ttlMs: 1000 }),
        second.acquireLease({ name: S, owner: 'B', ttlMs: 1000 }),
      ]);
      assert.equal([x, y].filter(Boolean).length, 1, 'exactly one of two racing owners gets the lease');
      const winner = (x ?? y) as Fence;
      await h.store.beginBatch(intent('b1'), winner);
      const results = await Promise.allSettled([
        h.store.commitBatch('b1', winner, { at: 2 }),
        second.commitBatch('b1', winner, { at: 2 }),
      ]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, 'a batch commits exactly once');
      const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      assert.ok(
        isStateStoreError(failed.reason, 'STORE_BATCH_NOT_OPEN'),
        'the loser gets STORE_BATCH_NOT_OPEN',
      );
      // Parallel commits of different streams through both connections all land.
      const streams = Array.from({ length: 6 }, (_, i) => `par-${i}`);
      const leases = await Promise.all(
        streams.map((s, i) =>
          (i % 2 ? second : h.store).acquireLease({ name: s, owner: `o${i}`, ttlMs: 1000 }),
        ),
      );
      await Promise.all(
        streams.map((s, i) =>
          (i % 2 ? second : h.store).beginBatch(
            intent(`p${i}`, {
              stream: s,
              entries: entries([`a${i}`, `b${i}`]),
              cursor: { stamp: '2024-01-01T00:00:00Z', key: `k${i}` },
            }),
            leases[i] as Fence,
          ),
        ),
      );
      await Promise.all(
        streams.map((_, i) => (i % 2 ? h.store : second).commitBatch(`p${i}`, leases[i] as Fence, { at: 3 })),
      );
      for (const [i, s] of streams.entries()) {
        assert.equal((await h.store.lookupLedger(s, [`a${i}`, `b${i}`])).size, 2, `ledger of ${s}`);
        assert.deepEqual(
          await second.getCursor(s),
          { stamp: '2024-01-01T00:00:00Z', key: `k${i}` },
          `cursor of ${s}`,
        );
      }
    },
  },
  {
    id: 'fail-batch',
    contract: ['batch.fail'],
    title:
      'failBatch: failed keeps ledger and cursor, quarantined applies them; both leave a dead letter with the rows',
    async run(h) {
      const l = await lease(h.store);
      await h.store.beginBatch(intent('b1', { entries: entries(['f1']) }), l);
      await h.store.failBatch(
        'b1',
        {
          status: 'failed',
          deadLetterId: 'dl-b1',
          at: 5,
          failure: { code: 'SYNC_BATCH_FAILED', message: 'no' },
        },
        l,
      );
      assert.equal((await h.store.lookupLedger(S, ['f1'])).size, 0);
      assert.equal(await h.store.getCursor(S), undefined);
      const b1 = await h.store.getBatch('b1');
      assert.equal(b1?.status, 'failed');
      assert.equal(b1?.failure?.code, 'SYNC_BATCH_FAILED');
      await h.store.beginBatch(intent('b2', { entries: entries(['q1']) }), l);
      await h.store.failBatch(
        'b2',
        {
          status: 'quarantined',
          deadLetterId: 'dl-b2',
          at: 6,
          failure: { code: 'SYNC_BATCH_QUARANTINED', message: 'partial', counted: 1, expected: 2 },
        },
        l,
      );
      assert.equal((await h.store.lookupLedger(S, ['q1'])).size, 1, 'quarantine applies the ledger');
      assert.ok(await h.store.getCursor(S), 'quarantine applies the cursor');
      const letters = await h.store.listDeadLetters({ stream: S });
      assert.deepEqual(
        letters.map((d) => [d.id, d.kind, d.status, d.batchId, d.partial ?? false]),
        [
          ['dl-b1', 'batch', 'open', 'b1', false],
          ['dl-b2', 'batch', 'open', 'b2', true],
        ],
      );
      assert.deepEqual(letters[0]?.rows, intent('x').rows, 'the dead letter keeps the rows');
      assert.deepEqual(
        letters[0]?.entries?.map((e) => e.key),
        ['f1'],
      );
      await rejects(
        h.store.commitBatch('b2', l, { at: 7 }),
        'STORE_BATCH_NOT_OPEN',
        'commit after quarantine',
      );
    },
  },
  {
    id: 'dead-letters',
    contract: ['dead-letters.add', 'dead-letters.list', 'dead-letters.status', 'batch.commit'],
    title: 'dead letters: idempotent ids, filters, status changes, replayed on commit of the replaying batch',
    async run(h) {
      const l = await lease(h.store);
      const letter = (id: string, over: Partial<DeadLetter> = {}): DeadLetter => ({
        id,
        stream: S,
        kind: 'record',
        status: 'open',
        createdAt: 1,
        key: id,
        stamp: '2024-01-01T00:00:00Z',
        stage: 'map',
        field: 'amount',
        reason: 'expected a finite number',
        raw: { amount: 'x', nested: [1, { a: null }] },
        ...over,
      });
      await h.store.addDeadLetters([letter('d1'), letter('d2'), letter('d3')], l);
      await h.store.addDeadLetters([letter('d1', { reason: 'changed' })], l);
      const all = await h.store.listDeadLetters({ stream: S });
      assert.deepEqual(
        all.map((d) => d.id),
        ['d1', 'd2', 'd3'],
      );
      assert.equal(all[0]?.reason, 'expected a finite number', 'adding an existing id leaves it untouched');
      assert.deepEqual(all[0]?.raw, { amount: 'x', nested: [1, { a: null }] });
      await h.store.setDeadLetterStatus(['d3'], 'discarded', l, 9);
      await h.store.beginBatch(intent('b1', { replayOf: ['d1'] }), l);
      await h.store.commitBatch('b1', l, { at: 10 });
      const byStatus = async (status: DeadLetter['status']) =>
        (await h.store.listDeadLetters({ stream: S, status: [status] })).map((d) => d.id);
      assert.deepEqual(await byStatus('open'), ['d2']);
      assert.deepEqual(await byStatus('replayed'), ['d1']);
      assert.deepEqual(await byStatus('discarded'), ['d3']);
      assert.deepEqual(
        (await h.store.listDeadLetters({ ids: ['d2', 'zz'] })).map((d) => d.id),
        ['d2'],
      );
      assert.equal((await h.store.listDeadLetters({ stream: S, limit: 2 })).length, 2);
      assert.deepEqual(await h.store.listDeadLetters({ stream: 'other' }), []);
    },
  },
  {
    id: 'audit',
    contract: ['audit'],
    title: 'audit entries get increasing seq and can be filtered',
    async run(h) {
      await h.store.appendAudit([
        { at: 1, type: 'run-started', stream: S, message: 'a' },
        { at: 2, type: 'batch-committed', stream: S, batchId: 'b', message: 'b', data: { rows: 3 } },
      ]);
      await h.store.appendAudit([{ at: 3, type: 'credential-expiring', message: 'c' }]);
      const all = await h.store.queryAudit();
      assert.deepEqual(
        all.map((e) => e.message),
        ['a', 'b', 'c'],
      );
      assert.ok(
        (all[0]?.seq ?? 0) < (all[1]?.seq ?? 0) && (all[1]?.seq ?? 0) < (all[2]?.seq ?? 0),
        'seq increases',
      );
      assert.deepEqual(all[1]?.data, { rows: 3 });
      assert.deepEqual(
        (await h.store.queryAudit({ stream: S })).map((e) => e.message),
        ['a', 'b'],
      );
      assert.deepEqual(
        (await h.store.queryAudit({ types: ['credential-expiring'] })).map((e) => e.message),
        ['c'],
      );
      assert.deepEqual(
        (await h.store.queryAudit({ afterSeq: all[0]?.seq ?? 0, limit: 1 })).map((e) => e.message),
        ['b'],
      );
    },
  },
  {
    id: 'latest-audit',
    contract: ['optional.latest-audit'],
    title: 'latestAudit (optional): newest first, with the filters, limit and afterSeq of queryAudit',
    async run(h) {
      if (!h.store.latestAudit) return; // optional: readers fall back to paging queryAudit
      assert.deepEqual(await h.store.latestAudit(), [], 'an empty log has no entries');
      await h.store.appendAudit([
        { at: 1, type: 'run-started', stream: S, message: 'a', data: { runId: 'r1' } },
        { at: 2, type: 'run-finished', stream: S, message: 'b', data: { runId: 'r1', rowsPosted: 3 } },
        { at: 3, type: 'run-started', stream: 'other', message: 'c' },
        { at: 4, type: 'run-failed', stream: S, message: 'd', data: { runId: 'r2', code: 'X' } },
      ]);
      const messages = async (query: Parameters<NonNullable<StateStore['latestAudit']>>[0]) =>
        ((await h.store.latestAudit?.(query)) ?? []).map((e) => e.message);
      assert.deepEqual(await messages({}), ['d', 'c', 'b', 'a'], 'newest first');
      assert.deepEqual(await messages({ stream: S, limit: 2 }), ['d', 'b'], 'stream filter and limit');
      assert.deepEqual(await messages({ types: ['run-started'] }), ['c', 'a'], 'type filter');
      assert.deepEqual(
        await messages({ stream: S, types: ['run-started', 'run-failed'], limit: 2 }),
        ['d', 'a'],
        'stream and types together: the newest of any of the types, newest first, up to limit',
      );
      assert.deepEqual(
        await messages({ stream: S, types: ['run-finished', 'run-started', 'run-finished'], limit: 5 }),
        ['b', 'a'],
        'a type named twice does not repeat entries',
      );
      const all = await h.store.queryAudit();
      assert.deepEqual(
        await messages({ afterSeq: all[1]?.seq ?? 0 }),
        ['d', 'c'],
        'afterSeq is a lower bound',
      );
      const [newest] = (await h.store.latestAudit({ stream: S, limit: 1 })) ?? [];
      assert.deepEqual(newest?.data, { runId: 'r2', code: 'X' }, 'entries come back whole');
      assert.equal(newest?.seq, all[3]?.seq, 'with their seq');
    },
  },
  {
    id: 'stream-totals',
    contract: ['optional.stream-totals'],
    title: 'streamTotals (optional): dead letters by status and rows of committed rows batches, per stream',
    async run(h) {
      if (!h.store.streamTotals) return; // optional: readers fall back to listDeadLetters
      assert.deepEqual(await h.store.streamTotals(S), {
        deadLetters: { open: 0, replayed: 0, discarded: 0 },
        rowsPosted: 0,
        committedBatches: 0,
      });
      const l = await lease(h.store);
      const rows = [{ a: 1 }, { a: 2 }, { a: 3 }];
      await h.store.beginBatch(intent('t1', { rows, rowCount: 3 }), l);
      await h.store.commitBatch('t1', l, { at: 2 });
      await h.store.beginBatch(
        intent('t2', {
          kind: 'state',
          rows: [],
          rowCount: 0,
          cursor: { stamp: '2024-01-02T00:00:00Z', key: 'k' },
        }),
        l,
      );
      await h.store.commitBatch('t2', l, { at: 3 });
      await h.store.beginBatch(intent('t3', { cursor: { stamp: '2024-01-03T00:00:00Z', key: 'k' } }), l);
      await h.store.failBatch(
        't3',
        {
          status: 'failed',
          deadLetterId: 'dl-t3',
          at: 4,
          failure: { code: 'SYNC_BATCH_FAILED', message: 'no' },
        },
        l,
      );
      await h.store.beginBatch(intent('t4', { cursor: { stamp: '2024-01-04T00:00:00Z', key: 'k' } }), l);
      const record = (id: string): DeadLetter => ({
        id,
        stream: S,
        kind: 'record',
        status: 'open',
        createdAt: 1,
        reason: 'bad',
      });
      await h.store.addDeadLetters([record('r1'), record('r2')], l);
      await h.store.setDeadLetterStatus(['r2'], 'discarded', l, 5);
      const other = await lease(h.store, 'A', 'other-stream');
      await h.store.addDeadLetters([{ ...record('o1'), stream: 'other-stream' }], other);
      assert.deepEqual(
        await h.store.streamTotals(S),
        {
          deadLetters: { open: 2, replayed: 0, discarded: 1 },
          rowsPosted: 3,
          committedBatches: 2,
        },
        'open intents and failed batches post no rows; other streams do not count',
      );
      // A replace-mode rebuild replaces the table: only the latest committed one counts.
      for (const [id, rows, day] of [
        ['rb1', 5, '05'],
        ['rb2', 7, '06'],
      ] as const) {
        await h.store.beginBatch(
          intent(id, {
            kind: 'rebuild',
            mode: 'replace',
            rows: [],
            entries: [],
            rowCount: 0,
            cursor: { stamp: `2024-01-${day}T00:00:00Z`, key: 'k' },
          }),
          l,
        );
        await h.store.updateBatch(id, { rebuild: { phase: 'post', chunksPosted: 1, rowsPosted: rows } }, l);
        await h.store.commitBatch(id, l, { at: 6 });
      }
      assert.equal((await h.store.streamTotals(S)).rowsPosted, 3 + 7, 'rows batches plus the latest rebuild');
      assert.equal((await h.store.streamTotals(S)).committedBatches, 4);
      const again = await h.reopen();
      assert.equal((await again.streamTotals?.(S))?.rowsPosted, 10, 'totals survive a reopen');
    },
  },
  {
    id: 'secrets',
    contract: ['secrets'],
    title: 'secret slots store what they are given and survive a reopen',
    async run(h) {
      assert.equal(await h.store.getSecret('x3.refreshToken'), undefined);
      await h.store.putSecret('x3.refreshToken', 'v1.ciphertext-1');
      await h.store.putSecret('x3.refreshToken', 'v1.ciphertext-2');
      const store = await h.reopen();
      assert.equal(await store.getSecret('x3.refreshToken'), 'v1.ciphertext-2');
    },
  },
  ...contractConformanceCases,
  ...quotaConformanceCases,
];
