import { hash } from 'node:crypto';

/**
 * A stable hash of a JSON-like value: object keys are sorted, `undefined` members dropped, `Date`s written as
 * ISO UTC, so the same mapped content always hashes the same on every host and after a restart.
 * 128 bits of SHA-256 in base64url (22 characters) keep the ledger small (peers.md §7 #14). It runs once per record
 * mapped: the one-shot `hash` costs a fraction of a `createHash` object per call, for the same bytes.
 */
export function contentHash(value: unknown): string {
  // The first 16 bytes in base64url are the digest's first 21 characters (126 bits) and a 22nd holding bits 126–127
  // followed by four zero bits: the full digest's 22nd character with its low four bits cleared. Asking for base64url
  // text directly makes no Buffer per record (two per call before, with the slice) for the same 22 characters.
  const full = hash('sha256', canonicalJson(value), 'base64url');
  return full.slice(0, 21) + (BASE64URL[BASE64URL.indexOf(full.charAt(21)) & 0b110000] as string);
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Canonical JSON used by {@link contentHash}: `JSON.stringify` with object keys sorted (UTF-16 order), `undefined`
 * members dropped, non-finite numbers as `null`, bigints as strings and `Date`s as ISO UTC strings. It runs once per
 * record read, so it builds the string in one pass without intermediate arrays; the output must never change (the
 * ledger stores its hashes), which a property test pins against a straightforward reference implementation.
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return quoted(value);
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
  const shape = sortedShape(obj);
  const { sorted, heads } = shape;
  let out = '{';
  for (let i = 0; i < sorted.length; i++) {
    const member = obj[sorted[i] as string];
    if (member === undefined) continue;
    // `heads[i]` is `"key":`; the members after the first take a comma.
    out += out.length === 1 ? (heads[i] as string) : `,${heads[i] as string}`;
    // Rows are flat: write their strings and numbers here rather than through another call.
    out +=
      typeof member === 'string'
        ? quoted(member)
        : typeof member === 'number' && Number.isFinite(member)
          ? String(member)
          : canonicalJson(member);
  }
  return `${out}}`;
}

/** What JSON.stringify escapes in a string (quote, backslash, controls, lone surrogates; any surrogate here). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what JSON escapes.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * `JSON.stringify` of a string: written between quotes as it is when it holds nothing to escape (nearly every
 * value; a test of the pattern costs less than the call), else by `JSON.stringify` itself.
 */
function quoted(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/** An object shape's keys in sorted order, with each key's JSON head (`"key":`). */
interface SortedShape {
  sorted: readonly string[];
  heads: readonly string[];
}

// Mapped rows of one stream share their shape, so the sorted key order and the quoted keys are worth remembering.
// Both caches are pure functions of their input and bounded, so sharing them between instances is harmless.
const MAX_CACHED = 4096;
const sortedByShape = new Map<string, SortedShape>();
const quotedKeys = new Map<string, string>();

/** The last shape seen (its keys in insertion order) and its sorted form: consecutive rows nearly always share it. */
let lastShape: { keys: string[]; shape: SortedShape } | undefined;

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sortedShape(obj: Record<string, unknown>): SortedShape {
  const keys = Object.keys(obj);
  // Own keys in the same order as the last object's are the same set: its sorted order holds.
  if (lastShape && sameKeys(keys, lastShape.keys)) return lastShape.shape;
  const shape = sortedShapeOf(obj, keys);
  lastShape = { keys, shape };
  return shape;
}

function sortedShapeOf(obj: Record<string, unknown>, keys: string[]): SortedShape {
  const joined = keys.join('\u0000');
  const cached = sortedByShape.get(joined);
  // The joined shape can collide (keys holding U+0000, or [''] vs []): a hit counts only when it names exactly
  // the object's own keys (same length, all own, all distinct).
  if (cached && cached.sorted.length === keys.length && cached.sorted.every((key) => Object.hasOwn(obj, key)))
    return cached;
  const sorted = [...keys].sort();
  const shape: SortedShape = { sorted, heads: sorted.map((key) => `${quoteKey(key)}:`) };
  if (!cached && sortedByShape.size < MAX_CACHED) sortedByShape.set(joined, shape);
  return shape;
}

function quoteKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size < MAX_CACHED) quotedKeys.set(key, quoted);
  }
  return quoted;
}
