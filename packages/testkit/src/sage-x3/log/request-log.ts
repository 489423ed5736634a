import type { AuthMethod } from '../auth/authenticate.js';
import type { SageX3FaultKind } from '../faults/fault-options.js';

/** One served request. Never holds credentials: no headers but the User-Agent, no bodies. */
export interface SageX3RequestLogEntry {
  /** 1-based sequence number. */
  readonly seq: number;
  /** Injected-clock time, epoch ms. */
  readonly at: number;
  readonly method: string;
  /** Path and query string. */
  readonly url: string;
  readonly surface: 'rest' | 'graphql' | 'token' | 'control' | 'other';
  readonly status: number;
  readonly auth: AuthMethod;
  /** Syracuse endpoint, when the request named one. */
  readonly endpoint?: string;
  /** The `User-Agent` header, when the client sent one (not a credential). */
  readonly userAgent?: string;
  readonly faults: readonly SageX3FaultKind[];
}

/** A bounded ring of request-log entries. */
export class RequestLog {
  readonly #limit: number;
  #entries: SageX3RequestLogEntry[] = [];
  #seq = 0;

  /** @param limit maximum entries kept (oldest dropped first). */
  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Appends an entry, assigning its sequence number. */
  add(entry: Omit<SageX3RequestLogEntry, 'seq'>): void {
    this.#entries.push({ ...entry, seq: ++this.#seq });
    if (this.#entries.length > this.#limit) this.#entries.splice(0, this.#entries.length - this.#limit);
  }

  /** A copy of the kept entries, oldest first. */
  entries(): SageX3RequestLogEntry[] {
    return [...this.#entries];
  }

  /** Drops all entries (sequence numbers keep counting). */
  clear(): void {
    this.#entries = [];
  }
}
