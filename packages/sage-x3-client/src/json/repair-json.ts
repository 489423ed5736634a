/** What {@link repairJsonEscapes} changed. */
export interface JsonRepair {
  /** The repaired text. */
  text: string;
  /** How many invalid escapes / raw control characters were fixed. */
  fixes: number;
}

const VALID_ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const HEX4_RE = /^[0-9a-fA-F]{4}$/;

/**
 * Repairs the one kind of malformed JSON seen in real X3 REST bodies: a lone backslash that does not start a valid
 * escape (e.g. a Windows path `C:\data` in a text field) — [observed] reference §3 gotcha 13, where a client
 * re-escapes such backslashes before `JSON.parse`. Each such backslash becomes `\\` (a literal backslash), so the
 * repair is deterministic and keeps the characters the user typed. Raw control characters inside strings (also
 * invalid JSON) are escaped the same way ([inferred]: same root cause, unescaped text copied into the body).
 * Only string contents are touched; the scanner tracks string boundaries.
 */
export function repairJsonEscapes(text: string): JsonRepair {
  let out = '';
  let fixes = 0;
  let inString = false;
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (!inString) {
      if (ch === 0x22) inString = true;
      continue;
    }
    if (ch === 0x22) {
      inString = false;
      continue;
    }
    if (ch === 0x5c) {
      const next = text[i + 1];
      if (next !== undefined && VALID_ESCAPES.has(next)) {
        i++;
        continue;
      }
      if (next === 'u' && HEX4_RE.test(text.slice(i + 2, i + 6))) {
        i += 5;
        continue;
      }
      out += `${text.slice(last, i)}\\\\`;
      last = i + 1;
      fixes++;
      continue;
    }
    if (ch < 0x20) {
      out += `${text.slice(last, i)}\\u${ch.toString(16).padStart(4, '0')}`;
      last = i + 1;
      fixes++;
    }
  }
  return { text: out + text.slice(last), fixes };
}
