/** Options of `changes()` (cross-package contract 1). */
export interface X3ChangesOptions {
  /**
   * Lower bound, inclusive (`>=`): an update stamp exactly as X3 returned it (a previous `X3Change.stamp`). Omit
   * to read from the beginning.
   */
  since?: string;
  /** Upper bound, exclusive (`<`): an ISO UTC instant (e.g. now minus a safety lag, fixed at run start). */
  until?: string;
  /** Records per request. @default the client's `pageSize` */
  pageSize?: number;
  /** Aborts the read. */
  signal?: AbortSignal;
}
