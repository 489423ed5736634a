import { X3ResponseError } from '../errors/x3-response-error.js';

/** The part of a relay connection the pager reads ([documented] reference §2.6). */
export interface RelayConnection<N> {
  /** Edges of this page. */
  edges: ReadonlyArray<{ cursor?: string | null; node: N }>;
  /** Paging facts. */
  pageInfo: { endCursor?: string | null; hasNextPage: boolean };
}

/**
 * Walks a relay connection page by page: `first`/`after` until `pageInfo.hasNextPage` is false. Cursors are
 * opaque ([documented] §2.6 "treat as opaque"); the pager never builds one. A page that says there is more but
 * gives no new cursor is a protocol error, not an endless loop.
 */
export async function* relayPages<N>(
  fetchPage: (after: string | undefined) => Promise<RelayConnection<N>>,
  initialAfter?: string,
): AsyncGenerator<RelayConnection<N>, void, undefined> {
  let after = initialAfter;
  for (;;) {
    const page = await fetchPage(after);
    yield page;
    if (!page.pageInfo.hasNextPage) return;
    const next = page.pageInfo.endCursor ?? page.edges.at(-1)?.cursor ?? undefined;
    if (!next || next === after) {
      throw new X3ResponseError({
        message: 'X3 GraphQL page says hasNextPage but gives no new endCursor',
        code: 'X3_UNEXPECTED_RESPONSE',
      });
    }
    after = next;
  }
}
