// Conformance cases for the parts of the contract a store most easily gets subtly wrong: key order (UTF-16 code
// units), settled batches, other streams' dead letters, error precedence, quarantine and the cursor, lease renewal,
// "oldest first", and writes that must be visible to another connection and survive a reopen. Each was added
// with a deliberately broken store that passed the earlier cases (see the engine's conformance-mutants test).
import assert from 'node:assert/strict';
import type { BatchFailOptions } from '../state-store/types.js';
import type { ConformanceCase } from './conformance-cases.js';
import { entries, intent, lease, recordLetter, rejects, S, snapshotOf } from './conformance-helpers.js';

const O = 'conformance-other';

const failure = (status: BatchFailOptions['status'], deadLetterId: string, at = 5): BatchFailOptions => ({
  status,
  deadLetterId,
  at,
  failure: { code: status === 'failed' ? 'SYNC_BATCH_FAILED' : 'SYNC_BATCH_QUARANTINED', message: status },
});

/** UTF-16 code-unit order, the contract's key order (what JavaScript's `<` does). */
const utf16 = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Cases of `docs/state-store-contract.md` beyond the basic ones (part of `stateStoreConformanceCases`). */
export const contractConformanceCases: readonly ConformanceCase[] = [
  {
    id: 'ledger-order',
    contract: ['order.utf16', 'ledger.scan', 'ledger.lookup'],
    title: 'ledger scans follow UTF-16 code units for non-ASCII and astral keys, page by page',
    async run(h) {
      const l = await lease(h.store);
      // UTF-8 byte order (= code-point order) puts U+E000…U+FFFF before an astral character; UTF-16 puts the
      // astral character's surrogate pair (U+D800…U+DFFF) first. Both orders agree on everything else here.
      const keys = [
        'z',
        'A',
        'a',
        'é',
        'ÿ',
        'Ā',
        '中',
        '\uE000',
        'ﬁ',
        '\uFFFD',
        '😀',
        '𝒳',
        'a😀',
        'a\uFFFD',
        'a\uE000b',
        'k\u{10000}',
        'k\uFFFF',
      ];
      const expected = [...keys].sort(utf16);
      assert.ok(
        expected.indexOf('😀') < expected.indexOf('\uFFFD'),
        'sanity: an astral key sorts before U+FFFD in UTF-16',
      );
      await h.store.beginBatch(intent('b1', { entries: entries(keys) }), l);
      await h.store.commitBatch('b1', l, { at: 2 });
      const found = await h.store.lookupLedger(S, keys);
      assert.deepEqual(
        keys.map((k) => found.get(k)?.hash),
        keys.map((k) => `h-${k}`),
        'every non-ASCII key is found again as it was written',
      );
      const all = await h.store.scanLedger(S, { limit: 100 });
      assert.deepEqual(
        all.map((e) => e.key),
        expected,
        'scanLedger orders keys by UTF-16 code units (not UTF-8 bytes or code points)',
      );
      const paged: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await h.store.scanLedger(
          S,
          after === undefined ? { limit: 3 } : { afterKey: after, limit: 3 },
        );
        if (page.length === 0) break;
        paged.push(...page.map((e) => e.key));
        after = page.at(-1)?.key;
        assert.ok(paged.length <= keys.length, 'paging with afterKey terminates');
      }
      assert.deepEqual(paged, expected, 'paging with afterKey visits every key once, in UTF-16 order');
      for (const absent of ['\uE001', 'a\uD83D\uDE01', 'b']) {
        const rest = await h.store.scanLedger(S, { afterKey: absent, limit: 100 });
        assert.deepEqual(
          rest.map((e) => e.key),
          expected.filter((k) => utf16(k, absent) > 0),
          `afterKey ${JSON.stringify(absent)} (not a stored key) starts after it in UTF-16 order`,
        );
      }
    },
  },
  {
    id: 'settled-batch',
    contract: ['batch.settled', 'batch.update', 'batch.begin'],
    title: 'a committed, failed or quarantined batch accepts no update, commit or failure and stays as it is',
    async run(h) {
      const l = await lease(h.store);
      await h.store.beginBatch(intent('c1'), l);
      await h.store.commitBatch('c1', l, { at: 2 });
      const f1 = intent('f1', { entries: entries(['f']) });
      delete f1.cursor;
      await h.store.beginBatch(f1, l);
      await h.store.failBatch('f1', failure('failed', 'dl-f1'), l);
      await h.store.beginBatch(
        intent('q1', { entries: entries(['q']), cursor: { stamp: '2024-02-01T00:00:00Z', key: 'q' } }),
        l,
      );
      await h.store.failBatch('q1', failure('quarantined', 'dl-q1'), l);
      const keys = ['k1', 'k2', 'f', 'q'];
      const before = await snapshotOf(h.store, S, keys);
      for (const id of ['c1', 'f1', 'q1']) {
        const settled = await h.store.getBatch(id);
        await rejects(
          h.store.updateBatch(id, { attempts: 7, postedAt: 70 }, l),
          'STORE_BATCH_NOT_OPEN',
          `updateBatch of ${settled?.status} batch ${id}`,
        );
        await rejects(h.store.commitBatch(id, l, { at: 8 }), 'STORE_BATCH_NOT_OPEN', `commitBatch of ${id}`);
        await rejects(
          h.store.failBatch(id, failure('quarantined', `dl-again-${id}`), l),
          'STORE_BATCH_NOT_OPEN',
          `failBatch of ${id}`,
        );
        assert.deepEqual(await h.store.getBatch(id), settled, `settled batch ${id} changed`);
      }
      assert.deepEqual(
        await snapshotOf(h.store, S, keys),
        before,
        'calls on settled batches changed the stream',
      );
      await rejects(
        h.store.updateBatch('nope', { attempts: 1 }, l),
        'STORE_BATCH_NOT_FOUND',
        'update of unknown',
      );
      await rejects(
        h.store.failBatch('nope', failure('failed', 'dl-nope'), l),
        'STORE_BATCH_NOT_FOUND',
        'failBatch of unknown',
      );
      await rejects(
        h.store.beginBatch(intent('n1', { status: 'committed' }), l),
        'STORE_INVALID_ARGUMENT',
        'beginBatch of an intent that is not open',
      );
      assert.equal(await h.store.getBatch('n1'), undefined, 'a refused begin wrote nothing');
      assert.deepEqual(await h.store.listDeadLetters({ ids: ['dl-nope', 'dl-again-q1'] }), []);
    },
  },
  {
    id: 'dead-letter-streams',
    contract: ['dead-letters.status', 'dead-letters.add', 'batch.commit', 'fence'],
    title: "a stream's fence never changes another stream's dead letters (status, add, replay)",
    async run(h) {
      const l = await lease(h.store);
      const o = await lease(h.store, 'B', O);
      await h.store.addDeadLetters([recordLetter('s1'), recordLetter('s2')], l);
      await h.store.addDeadLetters([recordLetter('o1', { stream: O })], o);
      const statuses = async () =>
        Object.fromEntries(
          (await h.store.listDeadLetters()).map((d) => [d.id, [d.status, d.settledAt ?? null]]),
        );
      const before = await statuses();
      await rejects(
        h.store.setDeadLetterStatus(['o1'], 'discarded', l, 7),
        'STORE_STALE_FENCE',
        "setDeadLetterStatus of another stream's letter",
      );
      await rejects(
        h.store.setDeadLetterStatus(['s1', 'o1'], 'discarded', l, 7),
        'STORE_STALE_FENCE',
        'setDeadLetterStatus mixing two streams',
      );
      assert.deepEqual(
        await statuses(),
        before,
        'a refused status change changed letters (of either stream)',
      );
      await rejects(
        h.store.addDeadLetters([recordLetter('s3'), recordLetter('o2', { stream: O })], l),
        'STORE_STALE_FENCE',
        'addDeadLetters with a letter of another stream',
      );
      assert.deepEqual(
        await h.store.listDeadLetters({ ids: ['s3', 'o2'] }),
        [],
        'a refused add added nothing',
      );
      await h.store.setDeadLetterStatus(['s1', 'missing'], 'discarded', l, 7);
      assert.deepEqual(await statuses(), { ...before, s1: ['discarded', 7] }, 'unknown ids are ignored');
      // A replaying batch marks only letters of its own stream.
      await h.store.beginBatch(intent('r1', { replayOf: ['o1', 's2', 'missing'] }), l);
      await h.store.commitBatch('r1', l, { at: 9 });
      const [s2] = await h.store.listDeadLetters({ ids: ['s2'] });
      assert.deepEqual([s2?.status, s2?.settledAt, s2?.replayBatchId], ['replayed', 9, 'r1']);
      assert.equal((await statuses()).o1?.[0], 'open', "a commit replayed another stream's letter");
      await h.store.setDeadLetterStatus(['o1'], 'discarded', o, 10);
      assert.equal((await statuses()).o1?.[0], 'discarded', 'the owning stream changes its own letter');
    },
  },
  {
    id: 'error-precedence',
    contract: ['errors.precedence'],
    title:
      'when several errors apply: NOT_OPEN, then BATCH_NOT_FOUND, STALE_FENCE, BATCH_NOT_OPEN / INVALID_ARGUMENT, CURSOR_BACKWARDS, then the rest',
    async run(h) {
      const a = await lease(h.store, 'A', S, 1000);
      await h.store.beginBatch(intent('done', { cursor: { stamp: '2025-01-01T00:00:00Z', key: 'm' } }), a);
      await h.store.commitBatch('done', a, { at: 2 });
      await h.store.beginBatch(
        intent('back', { entries: entries(['x']), cursor: { stamp: '2020-01-01T00:00:00Z', key: 'a' } }),
        a,
      );
      await h.store.addDeadLetters([recordLetter('dl-exists')], a);
      await h.store.releaseLease(a); // stale by release, not expiry: no clock needed
      const b = await lease(h.store, 'B', S, 60_000);
      const keys = ['k1', 'k2', 'x'];
      const before = await snapshotOf(h.store, S, keys);
      // One call at a time: the order of the checks inside a call is under test, not a race between calls.
      const cases: Array<[string, () => Promise<unknown>, Parameters<typeof rejects>[1]]> = [
        [
          'commit of an unknown batch with a stale fence',
          () => h.store.commitBatch('missing', a, { at: 3 }),
          'STORE_BATCH_NOT_FOUND',
        ],
        [
          'commit of a settled batch with a stale fence',
          () => h.store.commitBatch('done', a, { at: 3 }),
          'STORE_STALE_FENCE',
        ],
        [
          'commit moving the cursor back with a stale fence',
          () => h.store.commitBatch('back', a, { at: 3 }),
          'STORE_STALE_FENCE',
        ],
        [
          'update of a settled batch with a stale fence',
          () => h.store.updateBatch('done', { attempts: 1 }, a),
          'STORE_STALE_FENCE',
        ],
        [
          'begin of an existing id, not open, with a stale fence',
          () => h.store.beginBatch(intent('done', { status: 'committed' }), a),
          'STORE_STALE_FENCE',
        ],
        [
          'begin of an existing id that is not open',
          () => h.store.beginBatch(intent('done', { status: 'committed' }), b),
          'STORE_INVALID_ARGUMENT',
        ],
        ['begin of an existing id', () => h.store.beginBatch(intent('done'), b), 'STORE_BATCH_EXISTS'],
        [
          'quarantine of a settled batch with an existing dead-letter id',
          () => h.store.failBatch('done', failure('quarantined', 'dl-exists'), b),
          'STORE_BATCH_NOT_OPEN',
        ],
        [
          'quarantine moving the cursor back with an existing dead-letter id',
          () => h.store.failBatch('back', failure('quarantined', 'dl-exists'), b),
          'STORE_CURSOR_BACKWARDS',
        ],
        [
          'failure with an existing dead-letter id',
          () => h.store.failBatch('back', failure('failed', 'dl-exists'), b),
          'STORE_INVALID_ARGUMENT',
        ],
      ];
      for (const [what, call, code] of cases) await rejects(call(), code, what);
      assert.deepEqual(await snapshotOf(h.store, S, keys), before, 'a rejected call changed the stream');
      assert.equal((await h.store.getBatch('back'))?.status, 'open');
      const closed = await h.unopened();
      await rejects(closed.commitBatch('missing', a, { at: 3 }), 'STORE_NOT_OPEN', 'any call before open()');
    },
  },
  {
    id: 'quarantine-cursor',
    contract: ['batch.fail', 'cursor.order'],
    title:
      'a quarantine whose cursor would move backwards is STORE_CURSOR_BACKWARDS and changes nothing; failed never checks it',
    async run(h) {
      const l = await lease(h.store);
      await h.store.beginBatch(intent('b1', { cursor: { stamp: '2025-01-01T00:00:00Z', key: 'm' } }), l);
      await h.store.commitBatch('b1', l, { at: 2 });
      await h.store.beginBatch(
        intent('b2', { entries: entries(['q']), cursor: { stamp: '2024-06-01T00:00:00Z', key: 'z' } }),
        l,
      );
      const keys = ['k1', 'k2', 'q'];
      const before = await snapshotOf(h.store, S, keys);
      await rejects(
        h.store.failBatch('b2', failure('quarantined', 'dl-b2'), l),
        'STORE_CURSOR_BACKWARDS',
        'quarantine moving the cursor back',
      );
      assert.deepEqual(await snapshotOf(h.store, S, keys), before, 'a refused quarantine changed the stream');
      assert.equal(
        (await h.store.getBatch('b2'))?.status,
        'open',
        'a refused quarantine left the batch open',
      );
      await h.store.failBatch('b2', failure('failed', 'dl-b2'), l);
      assert.deepEqual(
        await h.store.getCursor(S),
        { stamp: '2025-01-01T00:00:00Z', key: 'm' },
        'a failed batch leaves the cursor',
      );
      assert.equal((await h.store.lookupLedger(S, ['q'])).size, 0, 'a failed batch leaves the ledger');
      assert.equal((await h.store.getBatch('b2'))?.status, 'failed');
      assert.deepEqual(
        (await h.store.listDeadLetters({ stream: S })).map((d) => [d.id, d.partial ?? false]),
        [['dl-b2', false]],
      );
    },
  },
  {
    id: 'lease-renew',
    contract: ['lease.renew', 'lease.release', 'fence'],
    title: 'renewLease extends a current lease even past its expiry; never a released, taken or forged one',
    async run(h) {
      const a = await lease(h.store, 'A', S, 1000);
      await h.clock.advance(1500);
      const renewed = await h.store.renewLease(a, 1000);
      assert.equal(renewed.token, a.token, 'an expired lease nobody took is renewed with the same token');
      assert.equal(renewed.expiresAt, h.clock.now() + 1000, 'from now');
      await h.store.beginBatch(intent('b1'), renewed);
      assert.equal(
        await h.store.acquireLease({ name: S, owner: 'B', ttlMs: 1000 }),
        undefined,
        'the renewed lease is held again',
      );
      await rejects(
        h.store.renewLease({ ...renewed, owner: 'X' }, 1000),
        'STORE_LEASE_LOST',
        'renewal naming another owner',
      );
      await rejects(
        h.store.renewLease({ ...renewed, token: renewed.token + 1 }, 1000),
        'STORE_LEASE_LOST',
        'renewal with a token never issued',
      );
      await h.store.releaseLease(renewed);
      await rejects(h.store.renewLease(renewed, 1000), 'STORE_LEASE_LOST', 'renewal after release');
      await rejects(
        h.store.commitBatch('b1', renewed, { at: 2 }),
        'STORE_STALE_FENCE',
        'commit after release',
      );
      const b = await lease(h.store, 'B', S, 1000);
      assert.ok(b.token > renewed.token, 'a lease after release has a higher token');
      await h.store.commitBatch('b1', b, { at: 3 });
    },
  },
  {
    id: 'oldest-first',
    contract: ['order.oldest-first', 'dead-letters.list'],
    title:
      'dead letters list in the order they were stored; open intents by createdAt, ties in the order begun',
    async run(h) {
      const l = await lease(h.store);
      const o = await lease(h.store, 'B', O);
      await h.store.addDeadLetters([recordLetter('x', { createdAt: 9 })], l);
      await h.store.addDeadLetters(
        [recordLetter('b', { createdAt: 1 }), recordLetter('a', { createdAt: 3 })],
        l,
      );
      await h.store.beginBatch(intent('late', { createdAt: 50 }), l);
      await h.store.failBatch('late', failure('failed', 'c', 0), l);
      await h.store.addDeadLetters([recordLetter('m', { createdAt: 2 })], l);
      const ids = async (query = {}) =>
        (await h.store.listDeadLetters({ stream: S, ...query })).map((d) => d.id);
      assert.deepEqual(await ids(), ['x', 'b', 'a', 'c', 'm'], 'in the order stored, not by createdAt or id');
      assert.deepEqual(await ids({ limit: 2 }), ['x', 'b'], 'a limit keeps the oldest');
      assert.deepEqual(await ids({ ids: ['m', 'x'] }), ['x', 'm'], 'filtered lists keep the order');
      await h.store.beginBatch(intent('t-50a', { createdAt: 50 }), l);
      await h.store.beginBatch(intent('t-10', { createdAt: 10 }), l);
      await h.store.beginBatch(intent('o-20', { stream: O, createdAt: 20 }), o);
      await h.store.beginBatch(intent('t-50b', { createdAt: 50 }), l);
      await h.store.beginBatch(intent('t-30', { createdAt: 30 }), l);
      assert.deepEqual(
        (await h.store.listOpenBatches(S)).map((b) => b.batchId),
        ['t-10', 't-30', 't-50a', 't-50b'],
        'open intents of a stream by createdAt, ties in the order begun',
      );
      assert.deepEqual(
        (await h.store.listOpenBatches()).map((b) => b.batchId),
        ['t-10', 'o-20', 't-30', 't-50a', 't-50b'],
        'open intents of all streams by createdAt',
      );
    },
  },
  {
    id: 'acknowledged-writes',
    contract: ['durability', 'lease.release'],
    title:
      'an acknowledged write is visible to another connection at once and survives a reopen (tokens too)',
    async run(h) {
      const l = await lease(h.store);
      await h.store.beginBatch(intent('b1', { cursor: { stamp: '2024-05-01T00:00:00Z', key: 'k2' } }), l);
      await h.store.commitBatch('b1', l, { at: 2 });
      await h.store.addDeadLetters([recordLetter('d1'), recordLetter('d2')], l);
      await h.store.setDeadLetterStatus(['d1'], 'discarded', l, 3);
      await h.store.beginBatch(intent('b2', { cursor: { stamp: '2024-06-01T00:00:00Z', key: 'a' } }), l);
      await h.store.updateBatch('b2', { attempts: 2, postedAt: 4 }, l);
      await h.store.appendAudit([{ at: 5, type: 'run-started', stream: S, message: 'm' }]);
      await h.store.releaseLease(l);
      const keys = ['k1', 'k2'];
      const written = await snapshotOf(h.store, S, keys);
      const audit = await h.store.queryAudit();
      // Another connection (another process) must see every acknowledged write without the writer closing:
      // a store that buffers writes in the instance would lose them in a power cut.
      const other = await h.connect();
      assert.deepEqual(await snapshotOf(other, S, keys), written, 'a second connection sees every write');
      assert.deepEqual(await other.queryAudit(), audit, 'and the audit log');
      const reopened = await h.reopen();
      assert.deepEqual(await snapshotOf(reopened, S, keys), written, 'everything survives a reopen');
      assert.deepEqual(await reopened.queryAudit(), audit, 'the audit log survives a reopen');
      assert.equal((await reopened.getBatch('b1'))?.status, 'committed');
      const next = await lease(reopened, 'B');
      assert.ok(next.token > l.token, 'tokens keep growing across a reopen');
      await rejects(
        reopened.commitBatch('b2', l, { at: 6 }),
        'STORE_STALE_FENCE',
        'a fence released before the reopen',
      );
      await reopened.appendAudit([{ at: 7, type: 'run-finished', stream: S, message: 'n' }]);
      const after = await reopened.queryAudit();
      assert.ok(
        (after.at(-1)?.seq ?? 0) > (audit.at(-1)?.seq ?? 0),
        'audit seq keeps growing across a reopen',
      );
    },
  },
];
