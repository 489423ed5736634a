import { STAMP_FIELDS } from '../data/entities/common-fields.js';
import type { EntityDef, FieldDef, FieldValue, SimRecord } from '../data/entity-definition.js';
import { formatStamp } from '../data/field-value.js';
import { hashInts, hashString } from '../data/hash.js';

/** REST property name → field, for `where`, `orderBy` and `key=` parsing. */
export function restFieldMap(def: EntityDef): Map<string, FieldDef> {
  const map = new Map<string, FieldDef>();
  if (def.keyField.rest) map.set(def.keyField.rest, def.keyField);
  for (const f of def.fields) if (f.rest) map.set(f.rest, f);
  for (const f of STAMP_FIELDS) if (f.rest) map.set(f.rest, f);
  return map;
}

/** Decimal text the simulator holds exactly (beyond what a double can hold) and serves as a JSON number. */
const DECIMAL_TEXT = /^-?\d+(?:\.\d+)?$/;

/**
 * A JSON number written with exactly these digits. X3 REST resources carry decimals as JSON number literals with
 * every digit ([inferred]: §1.3 shows JSON resources; nothing documents a string form), and `JSON.stringify` cannot
 * write one from a `number` without rounding it to a double, so REST bodies are written by {@link stringifyRestBody}.
 */
export class JsonNumberText {
  constructor(readonly text: string) {}
}

function restValue(f: FieldDef, v: FieldValue): unknown {
  if (v === null) return null;
  if (f.type === 'datetime' && typeof v === 'number') return formatStamp(v);
  // A decimal held as text (an exact value, e.g. '12345678901234567890.12') is served as a number literal with
  // all its digits; any other text in a decimal field is served as a string (a bad value, for robustness tests).
  if (f.type === 'decimal' && typeof v === 'string' && DECIMAL_TEXT.test(v)) return new JsonNumberText(v);
  return f.restValue ? f.restValue(v) : v;
}

/** `JSON.stringify` for REST bodies, writing {@link JsonNumberText} values as raw number literals. */
export function stringifyRestBody(value: unknown): string {
  if (value instanceof JsonNumberText) return value.text;
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : stringifyRestBody(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined) parts.push(`${JSON.stringify(k)}:${stringifyRestBody(v)}`);
    }
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A stable UUID-shaped `$uuid` per record (the X3 `AUUID` is not a business key, [documented] §1.7). */
function uuidOf(entity: string, key: string): string {
  const h = [0, 1, 2, 3].map((k) =>
    hashInts(hashString(entity), hashString(key), k).toString(16).padStart(8, '0'),
  );
  const hex = h.join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Projects a record to its REST (SData) resource: `$uuid`, the key and business properties under their X3
 * names, `CREDATTIM`/`UPDDATTIM` as UTC `YYYY-MM-DDTHH:MM:SSZ` ([documented] UTC §1.7; the exact text format is
 * [inferred]), child lines as an embedded array ([documented as observed] §1.3).
 */
export function toRestResource(def: EntityDef, r: SimRecord, details: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { $uuid: uuidOf(def.name, r.key) };
  if (details) out.$etag = formatStamp(r.updatedAt);
  if (def.keyField.rest) out[def.keyField.rest] = r.key;
  for (const f of def.fields) if (f.rest) out[f.rest] = restValue(f, r.values[f.name] ?? null);
  out.CREDATTIM = formatStamp(r.createdAt);
  out.UPDDATTIM = formatStamp(r.updatedAt);
  if (def.lines && r.lines) {
    const lineDefs = def.lines.fields;
    out[def.lines.rest] = r.lines.map((line) => {
      const l: Record<string, unknown> = {};
      for (const f of lineDefs) if (f.rest) l[f.rest] = restValue(f, line[f.name] ?? null);
      return l;
    });
  }
  // Properties a test planted to be served verbatim (null keys, malformed stamps, any JSON shape).
  if (r.restOverrides) Object.assign(out, r.restOverrides);
  return out;
}

/** Formats one sort value for a `key=` paging value. */
export function keyPart(f: FieldDef, v: FieldValue): string {
  if (v === null) return '';
  if (f.type === 'datetime' && typeof v === 'number') return formatStamp(v);
  return String(v);
}

/** An X3-style diagnostics body ([inferred] shape: `$diagnoses` with `$severity`/`$message`). */
export function diagnoses(message: string): Record<string, unknown> {
  return { $diagnoses: [{ $severity: 'error', $message: message }] };
}

/**
 * Serialises a body with backslashes left unescaped, as real X3 output has been seen ([documented as observed]
 * reference §3 gotcha 13). Records with backslashes in their text are used when present; otherwise a `$title`
 * with one is added so the body is always invalid JSON, repairable by re-escaping lone backslashes.
 */
export function malformedJson(body: Record<string, unknown>): string {
  let text = stringifyRestBody(body);
  if (!text.includes('\\\\')) text = stringifyRestBody({ $title: 'Export\\Page', ...body });
  return text.replace(/\\\\/g, '\\');
}
