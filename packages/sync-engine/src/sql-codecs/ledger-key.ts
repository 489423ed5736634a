// The contract orders ledger scans by UTF-16 code units (JavaScript's `<`), and the engine merge-joins a scan
// against source keys with `<`. SQLite's BINARY collation and PostgreSQL's COLLATE "C" compare UTF-8 bytes, i.e. code points, which differs
// from UTF-16 order exactly where U+E000–U+FFFF meets a supplementary character (U+10000+, a surrogate pair).
// Stored keys are therefore a bijective re-spelling whose code-point order is the UTF-16 order: each code unit
// below U+D800 stays itself (so ordinary keys are stored unchanged), each unit U+D800–U+FFFF becomes the code
// point 0x10000 + (unit − 0xD800). Lone surrogates survive too.

const HIGH_UNIT = /[\uD800-\uFFFF]/;

/** The stored spelling of a ledger key (identity unless it holds a unit ≥ U+D800). */
export function encodeLedgerKey(key: string): string {
  if (!HIGH_UNIT.test(key)) return key;
  let out = '';
  for (let i = 0; i < key.length; i++) {
    const unit = key.charCodeAt(i);
    out += unit < 0xd800 ? key[i] : String.fromCodePoint(0x10000 + unit - 0xd800);
  }
  return out;
}

/** The key behind a stored spelling (inverse of {@link encodeLedgerKey}). */
export function decodeLedgerKey(stored: string): string {
  // Any stored unit ≥ U+D800 is a surrogate of a shifted code point (unshifted units are all < U+D800).
  if (!HIGH_UNIT.test(stored)) return stored;
  let out = '';
  for (const char of stored) {
    const point = char.codePointAt(0) as number;
    out += point < 0x10000 ? char : String.fromCharCode(point - 0x10000 + 0xd800);
  }
  return out;
}
