import { keepExactNumbers, redactText } from '@mlc/core';
import { X3ResponseError } from '../errors/x3-response-error.js';
import { type RecordPath, attachRecordTexts, scanRecordTexts } from './record-texts.js';
import { repairJsonEscapes } from './repair-json.js';

/** Result of {@link parseX3Json}. */
export interface ParsedX3Json {
  /** The parsed value. */
  value: unknown;
  /** Number of fixes the repair applied (0 when the body was valid JSON). */
  repairs: number;
}

/**
 * Parses an X3 body: `JSON.parse` first; on a syntax error, {@link repairJsonEscapes} and parse again; if that
 * fails too, throw an `X3_MALFORMED_JSON` error naming the page URL, the offset and a short (redacted) excerpt.
 * Numbers a double cannot hold exactly are kept as their exact text (a string, see {@link keepExactNumbers}).
 * With `recordsAt`, the exact text of each record at that path is kept for `recordTextsOf` (see
 * {@link attachRecordTexts}).
 */
export function parseX3Json(text: string, url: string, recordsAt?: RecordPath): ParsedX3Json {
  try {
    return { value: parseKeepingTexts(text, recordsAt), repairs: 0 };
  } catch (caught) {
    // The error (and its offset) against the bytes X3 sent, not against the rewritten text.
    let first = caught;
    try {
      JSON.parse(text);
    } catch (original) {
      first = original;
    }
    const repaired = repairJsonEscapes(text);
    if (repaired.fixes > 0) {
      try {
        return {
          value: parseKeepingTexts(repaired.text, recordsAt),
          repairs: repaired.fixes,
        };
      } catch {
        // fall through: report the original error against the original bytes
      }
    }
    const position = syntaxErrorPosition(first, text);
    const start = Math.max(0, (position ?? 0) - 40);
    const excerpt = redactText(text.slice(start, start + 80));
    throw new X3ResponseError({
      message: `X3 returned malformed JSON at ${redactText(url)}${position === undefined ? '' : ` (offset ${position})`}: ${
        first instanceof Error ? first.message : String(first)
      }`,
      code: 'X3_MALFORMED_JSON',
      url,
      ...(position !== undefined ? { position } : {}),
      excerpt,
      cause: first,
    });
  }
}

/**
 * `JSON.parse` of the body with its exact numbers kept; with `recordsAt`, one structural scan finds the records'
 * texts and whether any number could need {@link keepExactNumbers}, which then runs only if so (and the records'
 * texts are found again in the text it rewrote).
 */
function parseKeepingTexts(text: string, recordsAt: RecordPath | undefined): unknown {
  if (!recordsAt) return JSON.parse(keepExactNumbers(text).text);
  const scan = scanRecordTexts(text, recordsAt);
  const exact = scan && !scan.longNumber ? text : keepExactNumbers(text).text;
  const value: unknown = JSON.parse(exact);
  attachRecordTexts(value, recordsAt, exact === text ? scan : scanRecordTexts(exact, recordsAt));
  return value;
}

function syntaxErrorPosition(error: unknown, text: string): number | undefined {
  const message = error instanceof Error ? error.message : '';
  const m = /position (\d+)/.exec(message);
  if (m) return Number(m[1]);
  if (/end of JSON input/i.test(message)) return text.length;
  return undefined;
}
