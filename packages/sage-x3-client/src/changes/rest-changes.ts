import { parseStamp } from '@mlc/core';
import type { X3Change } from '../entities/x3-change.js';
import type { X3EntityDefinition } from '../entities/x3-entity-definition.js';
import {
  type X3RecordIdentity,
  identityOf,
  isWholeKey,
  keyOfParts,
  keyPartOf,
  normalizeIdentified,
  readPath,
  readRestKeyParts,
} from '../entities/normalize-record.js';
import { X3ConfigError } from '../errors/x3-config-error.js';
import { X3ResponseError } from '../errors/x3-response-error.js';
import { UNPARSED, recordTextsOf, skippedRecordsOf } from '../json/record-texts.js';
import { type SDataValue, sdataDateTime } from '../rest/sdata-literal.js';
import { type SDataWhere, sdata } from '../rest/sdata-where.js';
import { type RestLocation, buildRestQueryUrl } from '../rest/rest-url.js';
import type { RestTransport } from '../rest/rest-transport.js';
import type { X3ChangesOptions, X3RawChangesOptions } from './x3-changes-options.js';
import { memberValue, skipHeldRecords } from './held-records.js';
import { StampOrderGuard } from './stamp-order-guard.js';

/** What the REST reader needs from the client. */
export interface RestChangesContext {
  /** The transport. */
  transport: RestTransport;
  /** Server, endpoint, application/contract (class and representation come from the entity). */
  location: Omit<RestLocation, 'className' | 'representation'>;
  /** Page size when the call gives none. */
  pageSize: number;
}

/** A REST record's key and stamp with its key parts (for the paging cursor), as read from its members' texts. */
interface RestIdentity extends X3RecordIdentity {
  parts: (string | number | undefined)[];
}

/** The (stamp, key…) position after the last record read. */
interface RestCursor {
  stamp: string;
  key: SDataValue[];
}

/**
 * `(stamp, k1, …, kn) > (s, v1, …, vn)` as SData conjuncts:
 * `STAMP ge @s@` and `((STAMP gt @s@) or (K1 gt v1) or (K1 eq v1 and K2 gt v2) …)`. The leading `ge` is a plain
 * range on the stamp, so a server can seek on its stamp index instead of scanning for the `or` ([inferred]: a
 * top-level `or` defeats index range scans in SQL engines, and the simulator seeks the same way).
 */
export function afterCursorWhere(
  stampField: string,
  keyFields: readonly string[],
  cursor: RestCursor,
): [SDataWhere, SDataWhere] {
  const stamp = sdataDateTime(withZone(cursor.stamp));
  const terms: SDataWhere[] = [sdata.gt(stampField, stamp)];
  keyFields.forEach((field, i) => {
    const equal = keyFields.slice(0, i).map((f, j) => sdata.eq(f, cursor.key[j]!));
    terms.push(sdata.and(...equal, sdata.gt(field, cursor.key[i]!)));
  });
  return [sdata.ge(stampField, stamp), sdata.or(...terms)];
}

/**
 * Incremental REST reader. Paging is by `(UPDDATTIM, key)` keyset, built by the client — not by following
 * `$links.$next`: X3's `$next` link pages with `key=gt.<lastKey>` on the *class key* ([documented] §1.2–1.3), which
 * is wrong once the sort is by stamp first (it would skip every later-stamped record with a smaller key,
 * [inferred] §3 gotcha 16). Each request is therefore
 * `where=(UPDDATTIM ge @since@) and (UPDDATTIM lt @until@)` for the first page and
 * `where=(UPDDATTIM ge @s@) and ((UPDDATTIM gt @s@) or (KEY gt 'k')) and (UPDDATTIM lt @until@)` after it, with
 * `orderBy=UPDDATTIM asc,KEY asc&count=N` — so an equal-stamp group that straddles a page boundary continues at
 * the right key, whatever the page size. Memory holds one page. Every record is parsed: `options` are `changes()`'s,
 * which drops any `held`.
 */
export function restChanges<T>(
  context: RestChangesContext,
  definition: X3EntityDefinition<T>,
  options: X3ChangesOptions,
): AsyncGenerator<X3Change<T>, void, undefined> {
  return restRecords(context, definition, options, (raw, _text, identity) =>
    normalizeIdentified(definition, 'rest', raw, identity),
  );
}

/**
 * The REST reader of {@link restChanges}, yielding `emit(raw, text, identity)` for each record as received: the exact
 * text it was parsed from when the transport kept it, and the key and stamp the reader read for its paging (the
 * record's `readIdentity`, read once and handed on so that validation does not read them again). `emit` is
 * `normalizeRecord` for `changes()`, a deferred validation for `rawChanges()`. With `options.held`, a record the
 * caller holds is not parsed: `raw` is {@link UNPARSED}, its key and stamp read from its text's members.
 */
export async function* restRecords<T, R>(
  context: RestChangesContext,
  definition: X3EntityDefinition<T>,
  options: X3RawChangesOptions,
  emit: (raw: unknown, text: string | undefined, identity: X3RecordIdentity) => R,
): AsyncGenerator<R, void, undefined> {
  const rest = definition.rest;
  if (!rest)
    throw new X3ConfigError({
      message: `Entity '${definition.name}' has no REST mapping; use the GraphQL transport or add one`,
    });
  if (rest.keyFields.length === 0)
    throw new X3ConfigError({ message: `Entity '${definition.name}' has no REST key fields` });
  const stampField = rest.stampField ?? 'UPDDATTIM';
  const pageSize = options.pageSize ?? context.pageSize;
  const location: RestLocation = {
    ...context.location,
    className: rest.className,
    representation: rest.representation,
  };
  const orderBy = [stampField, ...rest.keyFields].map((field) => ({ field, direction: 'asc' as const }));
  const upper = options.until ? sdata.lt(stampField, sdataDateTime(options.until)) : undefined;
  const guard = new StampOrderGuard();
  let cursor: RestCursor | undefined;
  let nextUrl: string | undefined;
  // Members read from each record's text when the caller holds records: the key fields, then the stamp.
  const members = [...rest.keyFields, stampField];
  const identityOfMembers = (values: ReadonlyArray<string | undefined>): RestIdentity => {
    const parts = rest.keyFields.map((_, k) => keyPartOf(memberValue(values[k])));
    return { ...identityOf(keyOfParts(parts), memberValue(values[members.length - 1])), parts };
  };
  const skip = skipHeldRecords(members, identityOfMembers, options.held);
  let lower: SDataWhere[] = options.since
    ? [sdata.ge(stampField, sdataDateTime(withZone(options.since)))]
    : [];
  for (;;) {
    // One flat `and` list, so the stamp range stays a top-level conjunct.
    const conjuncts = upper ? [...lower, upper] : lower;
    const where = conjuncts.length > 0 ? sdata.and(...conjuncts) : undefined;
    const url = buildRestQueryUrl(location, { count: pageSize, orderBy, ...(where ? { where } : {}) });
    const page = await context.transport.getPage(nextUrl ?? url, options.signal, skip);
    nextUrl = undefined;
    // The next position is the last record of the page that has a valid stamp and key: a record with a null or
    // malformed key or stamp anywhere in the page (the last one too) is yielded as invalid (dead-lettered by the
    // caller) and never becomes the cursor, so one record's content cannot stop the paging.
    let lastValid: RestCursor | undefined;
    const texts = recordTextsOf(page.resources);
    const skipped = skippedRecordsOf<RestIdentity>(page.resources);
    for (const [i, parsed] of page.resources.entries()) {
      // A held record was not parsed: its key parts and stamp were read from its text (the values a parse gives)
      // when the caller was asked about it.
      const held = skipped?.[i];
      const raw = held ? UNPARSED : parsed;
      const parts = held ? held.parts : readRestKeyParts(rest, raw);
      const identity = held ?? identityOf(keyOfParts(parts), readPath(raw, stampField));
      const { stamp } = identity;
      const valid = stamp !== undefined && parseStamp(stamp) !== undefined;
      if (valid) guard.check(stamp, page.url);
      if (valid && isWholeKey(parts)) lastValid = { stamp, key: parts };
      yield emit(raw, texts?.[i], identity);
    }
    if (page.resources.length === 0) return;
    const more = page.nextUrl !== undefined || page.resources.length >= (page.itemsPerPage ?? pageSize);
    if (!more) return;
    if (!lastValid) {
      // A whole page without one valid position: only the server's own link can move past it ([documented]
      // §1.2–1.3 `$links.$next`, sent while more records remain; it pages by class key, so it is the fallback, not
      // the rule). Without it the page was the last one: a full last page is no sign of more here, since no
      // position exists to ask from (every record of it was yielded, to be dead-lettered by the caller).
      if (page.nextUrl === undefined) return;
      nextUrl = page.nextUrl;
      continue;
    }
    const next = lastValid;
    if (cursor && cursor.stamp === next.stamp && cursor.key.every((k, i) => k === next.key[i])) {
      throw new X3ResponseError({
        message: `X3 returned the same page twice while paging ${definition.name} at ${page.url}`,
        code: 'X3_UNEXPECTED_RESPONSE',
        url: page.url,
      });
    }
    cursor = next;
    lower = afterCursorWhere(stampField, rest.keyFields, cursor);
  }
}

/** X3 stamps are UTC ([documented] §1.7); a zone-less rendering gets its `Z` back before it becomes a literal. */
function withZone(stamp: string): string {
  return /(Z|[+-]\d{2}:?\d{2})$/.test(stamp) ? stamp : `${stamp}Z`;
}
