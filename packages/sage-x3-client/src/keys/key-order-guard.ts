import { X3ResponseError } from '../errors/x3-response-error.js';

/**
 * Checks that keys arrive strictly ascending in UTF-16 code-unit order (JavaScript's `<` on strings), the order
 * delete reconciliation merges the key list with its ledger in. X3 sorts by its database collation ([inferred]:
 * the reference documents `orderBy` and `key=gt.` but no collation; SQL Server and Oracle default collations are
 * commonly case-insensitive or linguistic), so the order is verified, never assumed: a key that is not greater
 * than the one before it stops the listing with `X3_KEY_ORDER_UNEXPECTED` before it is yielded. A merge fed an
 * out-of-order list would treat every ledger key it skipped past as deleted.
 */
export class KeyOrderGuard {
  readonly #entity: string;
  #previous: string | undefined;

  /** @param entity the entity being listed (named in the error) */
  constructor(entity: string) {
    this.#entity = entity;
  }

  /** Throws unless `key` is strictly greater than the previous key. `where` is the page URL or node path. */
  check(key: string, where: string): void {
    const previous = this.#previous;
    if (previous !== undefined && !(previous < key)) {
      throw new X3ResponseError({
        message: `X3 listed ${this.#entity} key '${key}' after '${previous}' at ${where}: keys must arrive strictly ascending in UTF-16 code-unit order (${previous === key ? 'a key came twice' : "the server's collation or sort differs"}); the key list cannot be used for delete reconciliation`,
        code: 'X3_KEY_ORDER_UNEXPECTED',
        url: where,
        previousKey: previous,
        key,
      });
    }
    this.#previous = key;
  }
}
