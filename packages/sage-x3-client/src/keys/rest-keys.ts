import type { X3EntityDefinition } from '../entities/x3-entity-definition.js';
import { X3ConfigError } from '../errors/x3-config-error.js';
import { X3ResponseError } from '../errors/x3-response-error.js';
import type { RestChangesContext } from '../changes/rest-changes.js';
import { keyOfParts, readRestKeyParts } from '../entities/normalize-record.js';
import { type RestLocation, buildRestQueryUrl } from '../rest/rest-url.js';
import { KeyOrderGuard } from './key-order-guard.js';
import type { X3KeysOptions } from './x3-keys-options.js';

/**
 * Lists every key of an entity over REST api1: a `$query` with `orderBy=K1 asc,…,Kn asc` and `count`, and no
 * `where`. Paging follows `$links.$next.$url` verbatim — X3 builds it as `key=gt.<last key>` on the class key
 * ([documented] §1.2–1.3), which is exactly right here because the order *is* the class key (unlike
 * `changes()`, which sorts by stamp first). api1 documents no field projection, so each page carries the
 * representation's query facet; only the key properties are read and nothing else is kept.
 *
 * The end of the list is where `$next` is absent ([documented] §1.3), except that a *full* page without `$next`
 * is confirmed with one more request of our own (`key=gt.<last key>`): a list that ended early would make
 * reconciliation delete every row after it, so "no more keys" needs a short or empty page ([inferred]
 * precaution; the documented last page "normally has fewer items than `$itemsPerPage`").
 *
 * Keys are built as `changes()` builds them (key parts joined by `~`, [documented] §1.1) and verified strictly
 * ascending in UTF-16 order ({@link KeyOrderGuard}). Memory holds one page.
 */
export async function* restKeys(
  context: RestChangesContext,
  definition: X3EntityDefinition<unknown>,
  options: X3KeysOptions,
): AsyncGenerator<string, void, undefined> {
  const rest = definition.rest;
  if (!rest)
    throw new X3ConfigError({
      message: `Entity '${definition.name}' has no REST mapping; use the GraphQL transport or add one`,
    });
  if (rest.keyFields.length === 0)
    throw new X3ConfigError({ message: `Entity '${definition.name}' has no REST key fields` });
  const pageSize = options.pageSize ?? context.pageSize;
  const location: RestLocation = {
    ...context.location,
    className: rest.className,
    representation: rest.representation,
  };
  const orderBy = rest.keyFields.map((field) => ({ field, direction: 'asc' as const }));
  const guard = new KeyOrderGuard(definition.name);
  let url = buildRestQueryUrl(location, { count: pageSize, orderBy });
  for (;;) {
    const page = await context.transport.getPage(url, options.signal);
    let lastParts: string[] | undefined;
    for (const [i, raw] of page.resources.entries()) {
      const parts = readRestKeyParts(rest, raw);
      const key = keyOfParts(parts);
      if (key === undefined) {
        // A record without its key cannot be matched; skipping it would make reconciliation delete its row.
        throw new X3ResponseError({
          message: `X3 listed a ${definition.name} record without its key (${rest.keyFields.join(', ')}) at ${page.url} (record ${i + 1} of the page)`,
          code: 'X3_UNEXPECTED_RESPONSE',
          url: page.url,
        });
      }
      guard.check(key, page.url);
      lastParts = parts.map(String);
      yield key;
    }
    if (page.nextUrl !== undefined) {
      if (page.nextUrl === url) {
        throw new X3ResponseError({
          message: `X3 $next link points at the same page: ${page.url}`,
          code: 'X3_UNEXPECTED_RESPONSE',
          url: page.url,
        });
      }
      url = page.nextUrl;
      continue;
    }
    if (!lastParts || page.resources.length < (page.itemsPerPage ?? pageSize)) return;
    url = buildRestQueryUrl(location, { count: pageSize, orderBy, key: { op: 'gt', key: lastParts } });
  }
}
