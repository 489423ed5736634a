import { hash } from 'node:crypto';

/**
 * A stable hash of a JSON-like value: object keys are sorted, `undefined` members dropped, `Date`s written as
 * ISO UTC, so the same mapped content always hashes the same on every host and after a restart.
 * 128 bits of SHA-256 in base64url (22 characters) keep the ledger small (peers.md §7 #14). It runs once per record
 * mapped: the one-shot `hash` costs a fraction of a `createHash` object per call, for the same bytes.
 */
export function contentHash(value: unknown): string {
  return hash('sha256', canonicalJson(value), 'buffer').subarray(0, 16).toString('base64url');
}

/**
 * Canonical JSON used by {@link contentHash}: `JSON.stringify` with object keys sorted (UTF-16 order), `undefined`
 * members dropped, non-finite numbers as `null`, bigints as strings and `Date`s as ISO UTC strings. It runs once per
 * record read, so it builds the string in one pass without intermediate arrays; the output must never change (the
 * ledger stores its hashes), which a property test pins against a straightforward reference implementation.
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      // For finite numbers String() and JSON.stringify() agree (including -0 → "0" and exponents).
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return `"${value.toString()}"`;
    case 'undefined':
      return 'null';
    case 'object':
      break;
    default:
      return String(JSON.stringify(value));
  }
  if (value === null) return 'null';
  if (value instanceof Date) return `"${value.toISOString()}"`;
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const obj = value as Record<string, unknown>;
  const keys = sortedKeys(obj);
  let out = '{';
  let first = true;
  for (const key of keys) {
    const member = obj[key];
    if (member === undefined) continue;
    out += `${first ? '' : ','}${quoteKey(key)}:${canonicalJson(member)}`;
    first = false;
  }
  return `${out}}`;
}

// Mapped rows of one stream share their shape, so the sorted key order and the quoted keys are worth remembering.
// Both caches are pure functions of their input and bounded, so sharing them between instances is harmless.
const MAX_CACHED = 4096;
const sortedByShape = new Map<string, string[]>();
const quotedKeys = new Map<string, string>();

/** The last shape seen (its keys in insertion order) and its sorted keys: consecutive rows nearly always share it. */
let lastShape: { keys: string[]; sorted: string[] } | undefined;

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sortedKeys(obj: Record<string, unknown>): string[] {
  const keys = Object.keys(obj);
  // Own keys in the same order as the last object's are the same set: its sorted order holds.
  if (lastShape && sameKeys(keys, lastShape.keys)) return lastShape.sorted;
  const sorted = sortedKeysOfShape(obj, keys);
  lastShape = { keys, sorted };
  return sorted;
}

function sortedKeysOfShape(obj: Record<string, unknown>, keys: string[]): string[] {
  const shape = keys.join('\u0000');
  const cached = sortedByShape.get(shape);
  // The joined shape can collide (keys holding U+0000, or [''] vs []): a hit counts only when it names exactly
  // the object's own keys (same length, all own, all distinct).
  if (cached && cached.length === keys.length && cached.every((key) => Object.hasOwn(obj, key)))
    return cached;
  const sorted = [...keys].sort();
  if (!cached && sortedByShape.size < MAX_CACHED) sortedByShape.set(shape, sorted);
  return sorted;
}

function quoteKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size < MAX_CACHED) quotedKeys.set(key, quoted);
  }
  return quoted;
}
