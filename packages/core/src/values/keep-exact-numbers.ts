import { Decimal } from './decimal.js';

/** A run of 16+ digits and points: the only way a number token can hold more digits than a double keeps. */
const LONG_NUMBER_HINT_RE = /[0-9][0-9.]{15}/;
const NUMBER_TOKEN_RE = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
/** Significant digits every double holds exactly (`Number.MAX_SAFE_INTEGER` has 16, not all 16-digit values). */
const SAFE_DIGITS = 15;

/**
 * Rewrites, in JSON text, every number token that a double cannot hold exactly (`12345678901234567890.12`) as a
 * string of its exact text (`"12345678901234567890.12"`), so `JSON.parse` keeps every digit and the value
 * reaches its reader exactly as it was sent (a Sage X3 decimal or key, a Power BI Decimal or Int64 row value). Numbers a double holds exactly are left alone, and
 * string contents are never touched. Bodies without a run of 16 digits are returned as they are, unscanned.
 * Returns the (possibly) rewritten text and how many tokens were quoted.
 */
export function keepExactNumbers(text: string): { text: string; quoted: number } {
  if (!LONG_NUMBER_HINT_RE.test(text)) return { text, quoted: 0 };
  let out = '';
  let last = 0;
  let quoted = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c /* \ */) i++;
      else if (ch === 0x22 /* " */) inString = false;
      continue;
    }
    if (ch === 0x22) {
      inString = true;
      continue;
    }
    if (ch !== 0x2d /* - */ && (ch < 0x30 || ch > 0x39)) continue;
    NUMBER_TOKEN_RE.lastIndex = i;
    const m = NUMBER_TOKEN_RE.exec(text);
    if (!m) continue;
    const token = m[0];
    if (significantDigits(token) > SAFE_DIGITS && !heldByDouble(token)) {
      out += `${text.slice(last, i)}"${token}"`;
      last = i + token.length;
      quoted++;
    }
    i += token.length - 1;
  }
  return { text: quoted === 0 ? text : out + text.slice(last), quoted };
}

function significantDigits(token: string): number {
  const mantissa = token
    .replace(/^-/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '');
  return mantissa.replace(/^0+/, '').replace(/0+$/, '').length;
}

function heldByDouble(token: string): boolean {
  const exact = Decimal.parse(token);
  const n = Number(token);
  return exact !== undefined && Number.isFinite(n) && Decimal.fromNumber(n).equals(exact);
}
