import type {
  EntityDef,
  FieldValue,
  GenerateContext,
  KeyCodec,
  SageX3EntityName,
  SimRecord,
} from './entity-definition.js';
import { compareValues } from './field-value.js';
import { Rng, hashInts, hashString } from './hash.js';
import { StampSequence } from './stamp-sequence.js';

const PERM_BLOCK = 64;
const PERM_MUL = 37;
const PERM_MUL_INV = 45; // 37 * 45 = 1665 ≡ 1 (mod 64)
const PERM_ADD = 11;

/** Shared facts every table needs to generate records that reference other tables. */
export interface DatasetContext {
  readonly seed: number;
  readonly counts: Readonly<Record<SageX3EntityName, number>>;
  readonly keyOf: (entity: SageX3EntityName, keyNumber: number) => string;
  /** Incremented for every record built from the seed (lets tests prove scans stay lazy). */
  readonly stats: { generated: number };
}

/** A base candidate in an ordered scan, before its record is generated. */
interface BaseCandidate {
  readonly stamp: number;
  readonly key: string;
  readonly index: number;
}

/**
 * One entity's records: a lazily generated base table (record `i` is a pure function of (seed, entity, i)),
 * ordered by stamp in index order and by key through a fixed per-block permutation, plus a small overlay of
 * control-API mutations that shadows base records and merges into every ordered view.
 */
export class EntityTable {
  readonly def: EntityDef;
  readonly baseCount: number;
  readonly codec: KeyCodec;
  readonly #ctx: DatasetContext;
  readonly #seed: number;
  readonly #stamps: StampSequence;
  /** key → record, or null when deleted. */
  readonly #overlay = new Map<string, SimRecord | null>();
  #byStamp: SimRecord[] | undefined;
  #byKey: SimRecord[] | undefined;
  #nextInsertNumber: number;

  /**
   * @param def entity definition.
   * @param count base record count.
   * @param codec key codec sized for `count`.
   * @param ctx dataset context.
   * @param history stamp window in epoch seconds.
   */
  constructor(
    def: EntityDef,
    count: number,
    codec: KeyCodec,
    ctx: DatasetContext,
    history: { fromSec: number; toSec: number },
  ) {
    this.def = def;
    this.baseCount = count;
    this.codec = codec;
    this.#ctx = ctx;
    this.#seed = hashInts(ctx.seed, hashString(def.name));
    this.#stamps = new StampSequence(count, this.#seed, history.fromSec, history.toSec);
    this.#nextInsertNumber = count;
  }

  /** Key number of base record `index` (a bijection inside blocks of 64, so key order ≠ stamp order). */
  keyNumberOf(index: number): number {
    const block = index - (index % PERM_BLOCK);
    if (block + PERM_BLOCK > this.baseCount) return index;
    return block + ((PERM_MUL * (index - block) + PERM_ADD) % PERM_BLOCK);
  }

  /** Base index of a key number (inverse of {@link keyNumberOf}). */
  indexOfKeyNumber(n: number): number {
    const block = n - (n % PERM_BLOCK);
    if (block + PERM_BLOCK > this.baseCount) return n;
    const off = (((n - block - PERM_ADD) % PERM_BLOCK) + PERM_BLOCK) % PERM_BLOCK;
    return block + ((off * PERM_MUL_INV) % PERM_BLOCK);
  }

  /** Builds base record `index` from the seed (`stamp` skips recomputing a stamp the caller knows). */
  baseRecord(index: number, stamp?: number): SimRecord {
    this.#ctx.stats.generated++;
    const updatedAt = stamp ?? this.#stamps.stampAt(index);
    return this.#build(index, this.keyNumberOf(index), updatedAt);
  }

  #build(index: number, keyNumber: number, updatedAt: number): SimRecord {
    const rng = new Rng(hashInts(this.#seed, 3, index));
    // About 1 record in 4 was created well before its last update.
    const createdAt = rng.chance(0.25) ? updatedAt - rng.int(60, 30 * 86400) : updatedAt;
    const ctx: GenerateContext = {
      index,
      keyNumber,
      createdAt,
      updatedAt,
      rng,
      counts: this.#ctx.counts,
      keyOf: this.#ctx.keyOf,
      lineCount: this.def.lineCount(this.#seed, index),
    };
    const built = this.def.generate(ctx);
    const key = this.codec.format(keyNumber);
    return built.lines
      ? { key, createdAt, updatedAt, values: built.values, lines: built.lines }
      : { key, createdAt, updatedAt, values: built.values };
  }

  /** The current record for a key, or undefined (never generated, or deleted). */
  get(key: string): SimRecord | undefined {
    const o = this.#overlay.get(key);
    if (o !== undefined) return o ?? undefined;
    const n = this.codec.parse(key);
    if (n === undefined || n >= this.baseCount) return undefined;
    return this.baseRecord(this.indexOfKeyNumber(n));
  }

  /** Number of live records. */
  get size(): number {
    let size = this.baseCount;
    for (const [key, rec] of this.#overlay) {
      const isBase = this.#isBaseKey(key);
      if (isBase && rec === null) size--;
      if (!isBase && rec !== null) size++;
    }
    return size;
  }

  /** Total number of lines over live records (hashing only for untouched base records). */
  lineTotal(): number {
    let total = 0;
    for (let i = 0; i < this.baseCount; i++) total += this.def.lineCount(this.#seed, i);
    for (const [key, rec] of this.#overlay) {
      if (this.#isBaseKey(key)) {
        const n = this.codec.parse(key) as number;
        total -= this.def.lineCount(this.#seed, this.indexOfKeyNumber(n));
      }
      total += rec?.lines?.length ?? 0;
    }
    return total;
  }

  #isBaseKey(key: string): boolean {
    const n = this.codec.parse(key);
    return n !== undefined && n < this.baseCount;
  }

  /** Inserts a record: `values` override generated ones; a key is allocated when none is given. */
  insert(
    init: {
      key?: string;
      values?: Record<string, FieldValue>;
      lines?: Array<Record<string, FieldValue>>;
      restOverrides?: Record<string, unknown>;
    },
    nowSec: number,
  ): SimRecord {
    if (init.key !== undefined && this.get(init.key))
      throw new Error(`${this.def.name} ${init.key} already exists`);
    const n =
      init.key === undefined ? this.#nextInsertNumber++ : (this.codec.parse(init.key) ?? this.baseCount);
    const generated = this.#build(n, n, nowSec);
    const key = init.key ?? generated.key;
    const record = this.#withChanges(
      { ...generated, key, createdAt: nowSec },
      init.values,
      init.lines,
      nowSec,
      init.restOverrides,
    );
    this.#set(key, record);
    return record;
  }

  /** Updates a record and bumps its stamp (`UPDDATTIM` / `_updateStamp`). */
  update(
    key: string,
    changes: {
      values?: Record<string, FieldValue>;
      lines?: Array<Record<string, FieldValue>>;
      restOverrides?: Record<string, unknown>;
    },
    nowSec: number,
  ): SimRecord {
    const current = this.get(key);
    if (!current) throw new Error(`${this.def.name} ${key} not found`);
    const record = this.#withChanges(current, changes.values, changes.lines, nowSec, changes.restOverrides);
    this.#set(key, record);
    return record;
  }

  /** Deletes a record (it disappears from every view). */
  delete(key: string): void {
    if (!this.get(key)) throw new Error(`${this.def.name} ${key} not found`);
    this.#set(key, null);
  }

  #withChanges(
    base: SimRecord,
    values: Record<string, FieldValue> | undefined,
    lines: Array<Record<string, FieldValue>> | undefined,
    nowSec: number,
    restOverrides?: Record<string, unknown>,
  ): SimRecord {
    const known = new Set(this.def.fields.map((f) => f.name));
    for (const name of Object.keys(values ?? {})) {
      if (!known.has(name)) throw new Error(`${this.def.name}: unknown field "${name}"`);
    }
    const newLines = lines ?? base.lines;
    const overrides = restOverrides ?? base.restOverrides;
    return {
      key: base.key,
      createdAt: base.createdAt,
      updatedAt: nowSec,
      values: { ...base.values, ...values },
      ...(newLines ? { lines: newLines } : {}),
      ...(overrides ? { restOverrides: overrides } : {}),
    };
  }

  #set(key: string, record: SimRecord | null): void {
    this.#overlay.set(key, record);
    this.#byStamp = undefined;
    this.#byKey = undefined;
  }

  #liveOverlay(): SimRecord[] {
    const out: SimRecord[] = [];
    for (const rec of this.#overlay.values()) if (rec) out.push(rec);
    return out;
  }

  #overlayByStamp(): SimRecord[] {
    this.#byStamp ??= this.#liveOverlay().sort(
      (a, b) => a.updatedAt - b.updatedAt || compareValues(a.key, b.key),
    );
    return this.#byStamp;
  }

  #overlayByKey(): SimRecord[] {
    this.#byKey ??= this.#liveOverlay().sort((a, b) => compareValues(a.key, b.key));
    return this.#byKey;
  }

  /** Every live record, in no particular order (base index order, then the overlay). */
  *scanAll(): Generator<SimRecord> {
    for (let i = 0; i < this.baseCount; i++) {
      if (this.#overlay.size > 0 && this.#overlay.has(this.codec.format(this.keyNumberOf(i)))) continue;
      yield this.baseRecord(i);
    }
    yield* this.#liveOverlay();
  }

  /**
   * Live records ordered by (updatedAt, key) ascending, starting at the first record with
   * `updatedAt >= fromStamp` (and, within that stamp, a key above `afterKey` when given). Finds the start by
   * binary search over the stamp sequence, then walks equal-stamp groups (each sorted by key), so memory is one
   * group, whatever the table size.
   */
  *scanByStamp(fromStamp: number, afterKey?: string): Generator<SimRecord> {
    const overlay = this.#overlayByStamp();
    const skip = (stamp: number, key: string): boolean =>
      afterKey !== undefined && stamp === fromStamp && key <= afterKey;
    let j = lowerBound(overlay, (r) => r.updatedAt < fromStamp || skip(r.updatedAt, r.key));
    const base = this.#baseByStamp(fromStamp);
    let b = base.next();
    while (!b.done && skip(b.value.stamp, b.value.key)) b = base.next();
    while (!b.done || j < overlay.length) {
      const o = overlay[j];
      if (
        !b.done &&
        (!o || b.value.stamp < o.updatedAt || (b.value.stamp === o.updatedAt && b.value.key < o.key))
      ) {
        yield this.baseRecord(b.value.index, b.value.stamp);
        b = base.next();
      } else if (o) {
        yield o;
        j++;
      }
    }
  }

  *#baseByStamp(fromStamp: number): Generator<BaseCandidate> {
    const seq = this.#stamps;
    let i = seq.firstIndexAtOrAfter(fromStamp);
    if (i >= this.baseCount) return;
    let units = seq.unitsAt(i);
    while (i < this.baseCount) {
      const stamp = seq.stampOfUnits(units);
      const group: Array<{ key: string; index: number }> = [];
      while (i < this.baseCount && seq.stampOfUnits(units) === stamp) {
        const key = this.codec.format(this.keyNumberOf(i));
        if (!this.#overlay.has(key)) group.push({ key, index: i });
        i++;
        if (i < this.baseCount) units += seq.unitDelta(i);
      }
      group.sort((x, y) => compareValues(x.key, y.key));
      for (const g of group) yield { stamp, key: g.key, index: g.index };
    }
  }

  /** Live records ordered by key ascending, starting at the first key `>= fromKey` (all when undefined). */
  *scanByKey(fromKey?: string): Generator<SimRecord> {
    const overlay = this.#overlayByKey();
    let j = fromKey === undefined ? 0 : lowerBound(overlay, (r) => r.key < fromKey);
    let n = fromKey === undefined ? 0 : this.#firstKeyNumberAtOrAfter(fromKey);
    const nextBase = (): { key: string; n: number } | undefined => {
      while (n < this.baseCount) {
        const key = this.codec.format(n);
        n++;
        if (!this.#overlay.has(key)) return { key, n: n - 1 };
      }
      return undefined;
    };
    let b = nextBase();
    while (b || j < overlay.length) {
      const o = overlay[j];
      if (b && (!o || b.key < o.key)) {
        yield this.baseRecord(this.indexOfKeyNumber(b.n));
        b = nextBase();
      } else if (o) {
        yield o;
        j++;
      }
    }
  }

  #firstKeyNumberAtOrAfter(key: string): number {
    let lo = 0;
    let hi = this.baseCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.codec.format(mid) < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** First position where `before` is false, in an array partitioned by it. */
function lowerBound<T>(items: readonly T[], before: (item: T) => boolean): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(items[mid] as T)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
