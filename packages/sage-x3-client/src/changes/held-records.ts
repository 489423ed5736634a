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

/**
 * The {@link SkipParse} of a reader: `identity` reads a record's key and stamp (and whatever else the reader needs
 * of them) from the texts of its `members`, and `held` (the caller's `X3RawChangesOptions.held`) is asked about the
 * records whose key and stamp were read (a record without either is parsed). A record the caller holds keeps what
 * `identity` read: `skippedRecordsOf` hands it to the reader, which so reads no member of it again. Undefined (every
 * record parsed) without `held`, or when a member is a dotted path, which a record's scan cannot read (it reads
 * top-level members only).
 */
export function skipHeldRecords<I extends X3RecordIdentity>(
  members: readonly string[],
  identity: (values: ReadonlyArray<string | undefined>) => I,
  held: ((records: readonly X3RecordText[]) => Promise<readonly boolean[]>) | undefined,
): SkipParse<I> | undefined {
  if (!held || members.some((name) => name.includes('.'))) return undefined;
  return {
    members,
    async held(scan: RecordTextsScan): Promise<ReadonlyArray<I | undefined>> {
      const found = scan.members ?? [];
      const identities: Array<I | undefined> = new Array(scan.texts.length);
      const records = scan.texts.map((text, i): X3RecordText | undefined => {
        const values = found[i];
        if (values === undefined || text === undefined) return undefined;
        const read = identity(values);
        identities[i] = read;
        const { key, stamp } = read;
        return key === undefined || stamp === undefined ? undefined : { key, stamp, text };
      });
      const answers = await askSome(records, held);
      return answers.map((yes, i) => (yes ? identities[i] : undefined));
    },
  };
}
