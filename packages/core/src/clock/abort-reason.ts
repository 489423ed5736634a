/** The error to reject with when `signal` aborted: its reason, or a standard `AbortError`. */
export function abortReason(signal: AbortSignal | undefined): unknown {
  if (signal?.reason !== undefined) return signal.reason;
  return new DOMException('This operation was aborted', 'AbortError');
}
