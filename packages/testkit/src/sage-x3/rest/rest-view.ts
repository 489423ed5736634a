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

function restValue(f: FieldDef, v: FieldValue): FieldValue {
  if (v === null) return null;
  if (f.type === 'datetime' && typeof v === 'number') return formatStamp(v);
  return f.restValue ? f.restValue(v) : v;
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
  let text = JSON.stringify(body);
  if (!text.includes('\\\\')) text = JSON.stringify({ $title: 'Export\\Page', ...body });
  return text.replace(/\\\\/g, '\\');
}
