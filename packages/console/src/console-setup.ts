import { redactValue } from '@mlc/core';
import type { StateStore, Sync } from '@mlc/sync-engine';
import { CsrfGuard } from './actions/csrf.js';
import type { ConsoleOptions } from './console-options.js';
import type { ConsoleRequest } from './http/console-request.js';

/** What a console's pages, actions and request handling share: its options, resolved once. */
export interface ConsoleSetup {
  /** The sync shown and acted on. */
  sync: Sync;
  /** Its state store (runs and the audit trail are read from it). */
  store: StateStore;
  /** The normalised base path (no trailing slash; `''` at the root). */
  base: string;
  /** The console's title. */
  title: string;
  /** Read pages reload every this many seconds (0: never). */
  refreshSeconds: number;
  /** Exact values never to render (4 characters or more). */
  secrets: readonly string[];
  /** Issues and checks the CSRF tokens of action forms. */
  csrf: CsrfGuard;
  /** Whether a request may act (false when the host gave no `authorize`, or when it throws). */
  isAllowed(request: ConsoleRequest): Promise<boolean>;
  /** Opens the store through the sync (which checks its schema version) before the first direct read. */
  open(): Promise<unknown>;
  /** Every value read for a page passes through here: secret members and secret-looking text are redacted. */
  clean<T>(value: T): T;
  /** `value` when it names a stream of the sync, else undefined. */
  streamParam(value: string | null): string | undefined;
}

/** Resolves a console's options once: base path, title, refresh, secrets, CSRF key and the authorization check. */
export function resolveConsoleSetup(options: ConsoleOptions): ConsoleSetup {
  const { sync, store } = options;
  const secrets = (options.secrets ?? []).filter((s) => typeof s === 'string' && s.length >= 4);
  let opened: Promise<unknown> | undefined;
  return {
    sync,
    store,
    base: normaliseBase(options.basePath),
    title: options.title ?? 'Sage X3 → Power BI sync',
    refreshSeconds: Math.max(0, Math.floor(options.refreshSeconds ?? 30)),
    secrets,
    csrf: new CsrfGuard(options.csrfKey),
    isAllowed: async (request) => {
      if (!options.authorize) return false;
      try {
        return (await options.authorize(request)) === true;
      } catch {
        return false; // a failing authorization check allows nothing
      }
    },
    open: () => {
      opened ??= sync.auditLog({ limit: 1 }).catch((error: unknown) => {
        opened = undefined;
        throw error;
      });
      return opened;
    },
    clean: <T>(value: T): T => redactValue(value, secrets) as T,
    streamParam: (value) => (value && sync.streams.includes(value) ? value : undefined),
  };
}

function normaliseBase(basePath: string | undefined): string {
  const trimmed = (basePath ?? '').trim().replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}
