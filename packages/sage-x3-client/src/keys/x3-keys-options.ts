/** Options of `keys()`. */
export interface X3KeysOptions {
  /** Keys per request (`count` over REST, `first` over GraphQL). @default the client's `pageSize` */
  pageSize?: number;
  /** Aborts the listing (and the request in flight). */
  signal?: AbortSignal;
}
