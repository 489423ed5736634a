/**
 * Stands for the record of a reader's `emit` that was not parsed (the caller held it): its value is
 * `JSON.parse` of its text, parsed when first needed.
 */
export const UNPARSED: unique symbol = Symbol('unparsed record');

/** The step of a {@link RecordPath} that stands for every element of the records' array. */
export const EACH: unique symbol = Symbol('each element');

/**
 * Where the records sit in a JSON body: member names, one {@link EACH} for every element of the records' array, and
 * member names inside each element (`['$resources', EACH]` for a REST page, `['data', …, 'edges', EACH, 'node']` for
 * a GraphQL connection, whose records are the edges' nodes).
 */
export type RecordPath = readonly (string | typeof EACH)[];

/** The record texts of each records' array parsed by {@link attachRecordTexts}, one entry per array (not per record). */
const textsByArray = new WeakMap<readonly unknown[], ReadonlyArray<string | undefined>>();

/**
 * The exact JSON text of each element's record, by index, for an array whose texts {@link attachRecordTexts} found
 * (`JSON.parse` of `texts[i]` is a deep copy of the record of element `i`, so a fingerprint of it covers every byte
 * of the record that can change); `undefined` for any other array. An element without a record at the path (a null
 * edge) has no text.
 */
export function recordTextsOf(array: readonly unknown[]): ReadonlyArray<string | undefined> | undefined {
  return textsByArray.get(array);
}

/** What {@link scanRecordTexts} found in a body. */
export interface RecordTextsScan {
  /** The exact text of each element's record, by index (undefined for an element without one). */
  texts: Array<string | undefined>;
  /**
   * Whether a run of 16 or more digits and points stands outside strings: only then can a number token hold more
   * digits than a double keeps, so only then can `keepExactNumbers` change the text.
   */
  longNumber: boolean;
  /**
   * With `members` given to {@link scanRecordTexts}: for each element's record, the exact text of the value of each
   * of those members (by the position of its name in `members`; undefined when absent), read from the record's own
   * top-level members. Undefined for an element whose record is not an object or names one of them twice.
   */
  members?: Array<Array<string | undefined> | undefined>;
  /** With `members`: where each element's record text starts in the body (-1 for an element without one). */
  starts?: number[];
}

/**
 * Finds, in the JSON `text`, the exact text of each record at `path` with a structural scan (strings, objects,
 * arrays), noting on the way whether any number could need `keepExactNumbers`. Meaningful only for a text that
 * `JSON.parse` accepts (the caller parses it, and drops the scan when that fails): for such a text the scan walks
 * the path `JSON.parse` builds. `undefined` when the body does not have the expected shape, or when a member on
 * the path is named twice in one object (`JSON.parse` keeps the last, the scan could not tell which). Never throws.
 */
export function scanRecordTexts(
  text: string,
  path: RecordPath,
  members?: readonly string[],
): RecordTextsScan | undefined {
  const each = path.indexOf(EACH);
  if (each < 0 || path.indexOf(EACH, each + 1) >= 0) return undefined;
  try {
    const scanner = new Scanner(text);
    const texts: Array<string | undefined> = [];
    const values = members ? new MemberValues(members) : undefined;
    let found = false;
    walkTo(scanner, path, 0, () => {
      // The array of a member named twice on the path: JSON.parse kept the last one, the scan cannot tell.
      if (found) throw new Error('records found twice');
      found = true;
      walkElements(scanner, path.slice(each + 1), texts, values);
    });
    scanner.peek();
    if (!found || scanner.pos !== text.length) return undefined;
    return values
      ? { texts, longNumber: scanner.longNumber, members: values.found, starts: values.starts }
      : { texts, longNumber: scanner.longNumber };
  } catch {
    return undefined;
  }
}

/**
 * Remembers the texts of a {@link scanRecordTexts} of the text `value` was parsed from, for {@link recordTextsOf}
 * (keyed by the records' array of `value`), when there is exactly one per element of that array; otherwise nothing.
 */
export function attachRecordTexts(value: unknown, path: RecordPath, scan: RecordTextsScan | undefined): void {
  if (!scan) return;
  const each = path.indexOf(EACH);
  let array: unknown = value;
  for (let i = 0; i < each; i++) {
    if (array === null || typeof array !== 'object' || Array.isArray(array)) return;
    array = (array as Record<string, unknown>)[path[i] as string];
  }
  if (Array.isArray(array) && array.length === scan.texts.length) textsByArray.set(array, scan.texts);
}

/** Walks `path` up to its EACH, skipping every other value; calls `atArray` with the scanner at the array's `[`. */
function walkTo(scanner: Scanner, path: RecordPath, depth: number, atArray: () => void): void {
  const step = path[depth]!;
  if (step === EACH) {
    if (scanner.peek() !== OPEN_ARRAY) throw new Error('expected the records array');
    atArray();
    return;
  }
  if (scanner.peek() !== OPEN_OBJECT) throw new Error('expected an object on the path');
  scanner.members((name) => {
    if (name === step) walkTo(scanner, path, depth + 1, atArray);
    else scanner.skipValue();
  });
}

/** What the caller kept of each record {@link parseX3JsonSkipping} left unparsed, by records' array. */
const skippedByArray = new WeakMap<readonly unknown[], ReadonlyArray<object | undefined>>();

/**
 * For a records' array parsed by `parseX3JsonSkipping` with records left unparsed: by index, what its
 * `SkipParse.held` gave for each record left unparsed (its place holds `null`, its text is in
 * {@link recordTextsOf}), undefined for a record parsed; `undefined` for any other array. `H` is that `SkipParse`'s
 * (the caller's word: not checked).
 */
export function skippedRecordsOf<H extends object>(
  array: readonly unknown[],
): ReadonlyArray<H | undefined> | undefined {
  return skippedByArray.get(array) as ReadonlyArray<H | undefined> | undefined;
}

/**
 * Checks that `value` (parsed from a body whose records at the indices `skipped` were replaced by `null`) has one
 * element per record of the scan and `null` at the path in each skipped record's place, and remembers the texts
 * and what `held` gave for the skipped records ({@link recordTextsOf}, {@link skippedRecordsOf}). False (nothing
 * remembered) when it does not. Which records were skipped is the caller's word (each has an entry in `held`).
 */
export function attachSkippedRecords(
  value: unknown,
  path: RecordPath,
  scan: RecordTextsScan,
  held: ReadonlyArray<object | undefined>,
  skipped: readonly number[],
): boolean {
  const each = path.indexOf(EACH);
  let array: unknown = value;
  for (let i = 0; i < each; i++) {
    if (array === null || typeof array !== 'object' || Array.isArray(array)) return false;
    array = (array as Record<string, unknown>)[path[i] as string];
  }
  if (!Array.isArray(array) || array.length !== scan.texts.length) return false;
  const kept: Array<object | undefined> = new Array(array.length).fill(undefined);
  for (const i of skipped) {
    let at: unknown = array[i];
    for (let j = each + 1; j < path.length; j++) {
      if (at === null || typeof at !== 'object' || Array.isArray(at) || !Object.hasOwn(at, path[j] as string))
        return false;
      at = (at as Record<string, unknown>)[path[j] as string];
    }
    if (at !== null) return false;
    kept[i] = held[i];
  }
  textsByArray.set(array, scan.texts);
  skippedByArray.set(array, kept);
  return true;
}

/** For each element of the array at the scanner, pushes the text of the value at `inner` (or undefined). */
function walkElements(
  scanner: Scanner,
  inner: RecordPath,
  texts: Array<string | undefined>,
  values: MemberValues | undefined,
): void {
  scanner.pos++;
  if (scanner.peek() === CLOSE_ARRAY) {
    scanner.pos++;
    return;
  }
  for (;;) {
    const before = values?.found.length;
    texts.push(valueAt(scanner, inner, 0, values));
    // An element without a record at the path has no member values either.
    if (values && values.found.length === before) {
      values.found.push(undefined);
      values.starts.push(-1);
    }
    const next = scanner.peek();
    scanner.pos++;
    if (next === CLOSE_ARRAY) return;
    if (next !== COMMA) throw new Error('unexpected JSON structure');
  }
}

/** The text of the value at `inner` within the value at the scanner (which it skips), or undefined. */
function valueAt(
  scanner: Scanner,
  inner: RecordPath,
  depth: number,
  values?: MemberValues,
): string | undefined {
  scanner.peek();
  const start = scanner.pos;
  if (depth === inner.length) {
    if (values) {
      values.read(scanner);
      return scanner.text.slice(start, scanner.pos);
    }
    return scanner.text.slice(start, scanner.skipValue());
  }
  if (scanner.text.charCodeAt(start) !== OPEN_OBJECT) {
    scanner.skipValue();
    return undefined;
  }
  let text: string | undefined;
  let seen = false;
  scanner.members((name) => {
    if (name !== inner[depth]) {
      scanner.skipValue();
      return;
    }
    if (seen) throw new Error(`member ${name} named twice`);
    seen = true;
    text = valueAt(scanner, inner, depth + 1, values);
  });
  return text;
}

/** The values of some members of each record, read while the scan skips the record, in the records' order. */
class MemberValues {
  readonly found: Array<Array<string | undefined> | undefined> = [];
  readonly starts: number[] = [];
  constructor(readonly names: readonly string[]) {}

  /** Skips the record at the scanner (as `skipValue` does), pushing the texts of its wanted members' values. */
  read(scanner: Scanner): void {
    this.starts.push(scanner.pos);
    if (scanner.text.charCodeAt(scanner.pos) !== OPEN_OBJECT) {
      scanner.skipValue();
      this.found.push(undefined);
      return;
    }
    const { names } = this;
    const values: Array<string | undefined> = new Array(names.length).fill(undefined);
    let twice = false;
    scanner.members((name) => {
      const at = names.indexOf(name);
      if (at < 0) {
        scanner.skipValue();
        return;
      }
      if (values[at] !== undefined) twice = true;
      scanner.peek();
      const start = scanner.pos;
      values[at] = scanner.text.slice(start, scanner.skipValue());
    });
    this.found.push(twice ? undefined : values);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

/** A scanner over JSON text that knows only structure: strings, objects, arrays and the rest as opaque tokens. */
class Scanner {
  pos = 0;
  /** Whether a run of 16 digits and points was seen outside strings. */
  longNumber = false;
  constructor(readonly text: string) {}

  /** Skips white space and returns the next code unit (NaN at the end). */
  peek(): number {
    const { text } = this;
    let c = text.charCodeAt(this.pos);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++this.pos);
    return c;
  }

  /** Consumes `expected` (after white space) or fails. */
  expect(expected: number): void {
    if (this.peek() !== expected) throw new Error('unexpected JSON structure');
    this.pos++;
  }

  /** Skips a string starting at the current quote; returns its end (exclusive). */
  skipString(): number {
    this.pos = stringEnd(this.text, this.pos);
    return this.pos;
  }

  /** Visits the members of the object at the scanner (at its `{`): `visit(name)` must consume the member's value. */
  members(visit: (name: string) => void): void {
    this.expect(OPEN_OBJECT);
    if (this.peek() === CLOSE_OBJECT) {
      this.pos++;
      return;
    }
    for (;;) {
      const name = this.readName();
      this.expect(COLON);
      visit(name);
      const next = this.peek();
      this.pos++;
      if (next === CLOSE_OBJECT) return;
      if (next !== COMMA) throw new Error('unexpected JSON structure');
    }
  }

  /** Reads an object member name (decoded as `JSON.parse` decodes it). */
  readName(): string {
    if (this.peek() !== QUOTE) throw new Error('expected a member name');
    const start = this.pos;
    const end = this.skipString();
    const raw = this.text.slice(start + 1, end - 1);
    return raw.includes('\\') ? (JSON.parse(this.text.slice(start, end)) as string) : raw;
  }

  /** Skips one value; returns its span's end. Notes runs of 16 digits and points on the way. */
  skipValue(): number {
    const c = this.peek();
    if (c === QUOTE) return this.skipString();
    const { text } = this;
    const length = text.length;
    let run = 0;
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      let depth = 0;
      for (let i = this.pos; i < length; i++) {
        const d = text.charCodeAt(i);
        if ((d >= 0x30 && d <= 0x39) || d === 0x2e) {
          if (++run >= 16) this.longNumber = true;
          continue;
        }
        run = 0;
        if (d === QUOTE) i = stringEnd(text, i) - 1;
        else if (d === OPEN_OBJECT || d === OPEN_ARRAY) depth++;
        else if (d === CLOSE_OBJECT || d === CLOSE_ARRAY) {
          if (--depth === 0) {
            this.pos = i + 1;
            return this.pos;
          }
        }
      }
      throw new Error('unterminated value');
    }
    // A literal or a number: up to the next delimiter.
    let i = this.pos;
    for (; i < length; i++) {
      const d = text.charCodeAt(i);
      if (d === COMMA || d === CLOSE_OBJECT || d === CLOSE_ARRAY || d <= 0x20) break;
      if ((d >= 0x30 && d <= 0x39) || d === 0x2e) {
        if (++run >= 16) this.longNumber = true;
      } else run = 0;
    }
    if (i === this.pos) throw new Error('expected a value');
    this.pos = i;
    return i;
  }
}

/** The end (exclusive) of the string whose opening quote is at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const j = text.indexOf('"', i);
    if (j < 0) throw new Error('unterminated string');
    let backslashes = 0;
    while (text.charCodeAt(j - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return j + 1;
    i = j + 1;
  }
}
