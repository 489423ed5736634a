import { askSome } from '@mlc/core';
import type { X3RecordIdentity } from '../entities/normalize-record.js';
import type { SkipParse } from '../json/parse-x3-json.js';
import type { RecordTextsScan } from '../json/record-texts.js';
import type { X3RecordText } from './x3-changes-options.js';

/** Stands for a member value that is neither a string without escapes nor a number (never a key part or stamp). */
const OTHER: unique symbol = Symbol('other value');

/**
 * The value `JSON.parse` gives for a member value's exact text, for the two kinds read without parsing: a string
 * without escapes (its characters) and a number (`Number` of its text, the same double); {@link OTHER} for any other
 * value, undefined for an absent member. Exact for a text that is valid JSON (the only records it is used for).
 */
export function memberValue(text: string | undefined): string | number | typeof OTHER | undefined {
  if (text === undefined) return undefined;
  const c = text.charCodeAt(0);
  if (c === 0x22) return text.includes('\\') ? OTHER : text.slice(1, -1);
  if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return Number(text);
  return OTHER;
}

/** Whether `names` are members a record's scan can read (top-level names: no dotted path). */
export function readableMembers(names: readonly string[]): boolean {
  return names.every((name) => !name.includes('.'));
}

/**
 * The {@link SkipParse} of a reader: `identity` reads a record's key and stamp from the texts of its `members`
 * (undefined when it cannot: that record is parsed), and `held` (the caller's `X3RawChangesOptions.held`) is asked
 * about the records whose key and stamp were read.
 */
export function skipHeldRecords(
  members: readonly string[],
  identity: (values: ReadonlyArray<string | undefined>) => X3RecordIdentity,
  held: (records: readonly X3RecordText[]) => Promise<readonly boolean[]>,
): SkipParse {
  return {
    members,
    held(scan: RecordTextsScan): Promise<ReadonlyArray<boolean>> {
      const found = scan.members ?? [];
      const records = scan.texts.map((text, i): X3RecordText | undefined => {
        const values = found[i];
        if (values === undefined || text === undefined) return undefined;
        const { key, stamp } = identity(values);
        return key === undefined || stamp === undefined ? undefined : { key, stamp, text };
      });
      return askSome(records, held);
    },
  };
}
