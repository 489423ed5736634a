import { keepExactNumbers, redactText } from '@mlc/core';
import { X3ResponseError } from '../errors/x3-response-error.js';
import {
  type RecordPath,
  type RecordTextsScan,
  attachRecordTexts,
  attachSkippedRecords,
  scanRecordTexts,
} from './record-texts.js';
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

/**
 * What {@link parseX3JsonSkipping} asks before it parses a body. `H` is what the caller keeps of a record it holds
 * (e.g. the key and stamp it read from the record's text to decide), handed back by `skippedRecordsOf`.
 */
export interface SkipParse<H extends object = object> {
  /** Top-level members of each record whose values' texts `held` is given (`RecordTextsScan.members`). */
  members: readonly string[];
  /**
   * Given the scan of a body (each record's exact text and the texts of those members' values), which records may
   * stay unparsed, by index: an `H` only for a record whose text is byte for byte a text that `JSON.parse` accepted
   * before (e.g. its hash is one the caller stored from an earlier read), undefined for a record to parse. Anything
   * else (or a rejection) parses them all.
   */
  held(scan: RecordTextsScan): Promise<ReadonlyArray<H | undefined> | undefined>;
}

/**
 * {@link parseX3Json} that parses no record the caller already holds (see {@link SkipParse}): one structural scan
 * finds each record's text, `held` says which of them the caller holds, and `JSON.parse` then runs on the body with
 * each held record replaced by `null`. That body parsing shows the whole body is valid JSON (a held record's text
 * is one that parsed before, and any JSON value may stand where a `null` stood), and gives the same objects a whole
 * parse would, with `null` in the held records' places: `skippedRecordsOf` of the records' array gives, in those
 * places, what `held` gave (their texts are kept as with `recordsAt`). A body that scan or parse refuses, one with a
 * number `keepExactNumbers` could change, or one with a member on the path named twice, takes {@link parseX3Json}
 * as it is (escape repair, `X3_MALFORMED_JSON`), which also parses every record.
 */
export async function parseX3JsonSkipping(
  text: string,
  url: string,
  recordsAt: RecordPath,
  skip: SkipParse,
): Promise<ParsedX3Json> {
  const scan = scanRecordTexts(text, recordsAt, skip.members);
  if (scan && !scan.longNumber) {
    let held: ReadonlyArray<object | undefined> | undefined;
    try {
      held = await skip.held(scan);
    } catch {
      held = undefined;
    }
    const value = parseHoldingScan(text, recordsAt, scan, held);
    if (value !== FAILED) return { value, repairs: 0 };
  }
  return parseX3Json(text, url, recordsAt);
}

/**
 * How both transports parse a page: {@link parseX3JsonSkipping} when the caller says which records it holds (`skip`)
 * and where the records are (`recordsAt`), {@link parseX3Json} (with `recordsAt`, if given) otherwise.
 */
export async function parseX3Page(
  text: string,
  url: string,
  recordsAt?: RecordPath,
  skip?: SkipParse,
): Promise<ParsedX3Json> {
  return skip && recordsAt
    ? parseX3JsonSkipping(text, url, recordsAt, skip)
    : parseX3Json(text, url, recordsAt);
}

const FAILED: unique symbol = Symbol('failed');

/** The body parsed without the held records (`null` in their places), or FAILED when it does not parse as expected. */
function parseHoldingScan(
  text: string,
  recordsAt: RecordPath,
  scan: RecordTextsScan,
  held: ReadonlyArray<object | undefined> | undefined,
): unknown {
  const { texts, starts } = scan;
  let envelope = '';
  let last = 0;
  // The indices of the records replaced by `null`: a held record whose text and start the scan found.
  const skipped: number[] = [];
  if (held && starts) {
    for (let i = 0; i < texts.length; i++) {
      const record = texts[i];
      if (held[i] === undefined || record === undefined || starts[i]! < 0) continue;
      envelope += `${text.slice(last, starts[i])}null`;
      last = starts[i]! + record.length;
      skipped.push(i);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(skipped.length === 0 ? text : envelope + text.slice(last));
  } catch {
    return FAILED;
  }
  if (skipped.length === 0) {
    attachRecordTexts(value, recordsAt, scan);
    return value;
  }
  return attachSkippedRecords(value, recordsAt, scan, held!, skipped) ? value : FAILED;
}

function syntaxErrorPosition(error: unknown, text: string): number | undefined {
  const message = error instanceof Error ? error.message : '';
  const m = /position (\d+)/.exec(message);
  if (m) return Number(m[1]);
  if (/end of JSON input/i.test(message)) return text.length;
  return undefined;
}
