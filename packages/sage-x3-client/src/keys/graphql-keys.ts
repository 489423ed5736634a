import { readIdentity } from '../entities/normalize-record.js';
import type { X3EntityDefinition } from '../entities/x3-entity-definition.js';
import { X3ConfigError } from '../errors/x3-config-error.js';
import { X3ResponseError } from '../errors/x3-response-error.js';
import { type GraphQLChangesContext, asConnection, connectionAt } from '../changes/graphql-changes.js';
import { buildKeysDocument } from '../graphql/build-documents.js';
import { relayPages } from '../graphql/relay-pages.js';
import { type XtremFilterValue, formatXtremFilter } from '../graphql/xtrem-filter.js';
import { KeyOrderGuard } from './key-order-guard.js';
import type { X3KeysOptions } from './x3-keys-options.js';

/** `{a: {b: 1}}` for the key path `a.b` (nested sort, [documented] §2.6 `{purchaseSite: {_id: -1}}`). */
function ascendingBy(path: string): XtremFilterValue {
  return path
    .split('.')
    .reverse()
    .reduce<XtremFilterValue>((inner, step) => ({ [step]: inner }), 1);
}

/**
 * Lists every key of an entity over GraphQL: `query(orderBy: "{_id: 1}", first, after)` selecting the key field
 * only, paged with opaque relay cursors ([documented] §2.4 and §2.6: `orderBy` with `1` ascending, `first`/`after`,
 * `pageInfo.endCursor`/`hasNextPage`). The key string is read exactly as `changes()` reads it (the mapping's
 * `keyField`, `_id` by default), so the list matches the ledger's keys. Ascending UTF-16 order is verified
 * ({@link KeyOrderGuard}). One page in memory.
 */
export async function* graphqlKeys(
  context: GraphQLChangesContext,
  definition: X3EntityDefinition<unknown>,
  options: X3KeysOptions,
): AsyncGenerator<string, void, undefined> {
  const mapping = definition.graphql;
  if (!mapping) {
    throw new X3ConfigError({
      message: `Entity '${definition.name}' has no GraphQL mapping; use the REST transport or add one`,
    });
  }
  const keyField = mapping.keyField ?? '_id';
  const { root, schema } = await context.resolve(mapping, options.signal);
  const doc = buildKeysDocument(root, keyField, schema);
  const orderBy = formatXtremFilter(ascendingBy(keyField));
  const first = options.pageSize ?? context.pageSize;
  const where = `${root.rootField}.${root.nodeName}.query`;
  const guard = new KeyOrderGuard(definition.name);
  const pages = relayPages<unknown>(async (after) => {
    const result = await context.transport.execute(
      doc.text,
      { orderBy, first, after },
      doc.operationName,
      options.signal ? { signal: options.signal } : {},
    );
    return asConnection(connectionAt(result.data, root, 'query'), where);
  });
  let index = 0;
  for await (const page of pages) {
    for (const edge of page.edges) {
      const key = readIdentity(definition, 'graphql', edge.node).key;
      if (key === undefined) {
        // A record without its key cannot be matched; skipping it would make reconciliation delete its row.
        throw new X3ResponseError({
          message: `X3 listed a ${definition.name} record without ${keyField} at ${where} (record ${index + 1} of the listing)`,
          code: 'X3_UNEXPECTED_RESPONSE',
          url: where,
        });
      }
      guard.check(key, where);
      index += 1;
      yield key;
    }
  }
}
