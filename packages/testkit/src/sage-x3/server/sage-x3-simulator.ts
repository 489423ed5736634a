import type { TestTls } from '../../tls/generate-test-tls.js';
import type { SageX3MintedRefreshToken } from '../auth/oauth-server.js';
import type { FieldValue, SageX3EntityName } from '../data/entity-definition.js';
import type { SageX3FaultOptions } from '../faults/fault-options.js';
import type { SageX3RequestLogEntry } from '../log/request-log.js';

/** A record as the control API shows it: canonical (camelCase) fields, stamps as UTC `YYYY-MM-DDTHH:MM:SSZ`. */
export interface SageX3SimRecord {
  readonly entity: SageX3EntityName;
  readonly key: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly values: Readonly<Record<string, FieldValue>>;
  readonly lines?: ReadonlyArray<Readonly<Record<string, FieldValue>>>;
}

/** Changes for {@link SageX3SimulatorControl.insert} / {@link SageX3SimulatorControl.update}. */
export interface SageX3SimRecordChanges {
  /** Canonical field values to set (unknown names throw). */
  readonly values?: Record<string, FieldValue>;
  /** Replacement lines (canonical line fields). */
  readonly lines?: Array<Record<string, FieldValue>>;
  /** The new stamp (ISO UTC). @default the injected clock's now, truncated to seconds */
  readonly at?: string;
  /**
   * REST properties served verbatim in this record's resource instead of its own (any JSON value: `{ NUM: null }`,
   * `{ UPDDATTIM: '2024-02-30T25:00:00Z' }`), for tests of client robustness. Paging and filters still use the
   * record's own key and stamp. Kept by later updates unless replaced. Not part of X3.
   */
  readonly restOverrides?: Record<string, unknown>;
}

/** Drives a running simulator from a test: data changes, faults, tokens, request log. */
export interface SageX3SimulatorControl {
  /** Replaces the fault settings (and restarts the fault RNG). */
  setFaults(faults: SageX3FaultOptions): void;
  /** Turns every fault off. */
  clearFaults(): void;
  /** Inserts a record (generated from the seed, then `changes` applied); returns it. */
  insert(entity: SageX3EntityName, changes?: SageX3SimRecordChanges & { key?: string }): SageX3SimRecord;
  /** Updates a record and bumps its stamp (`UPDDATTIM` / `_updateStamp`). */
  update(entity: SageX3EntityName, key: string, changes?: SageX3SimRecordChanges): SageX3SimRecord;
  /** Deletes a record. */
  delete(entity: SageX3EntityName, key: string): void;
  /** Reads a record, or undefined. */
  get(entity: SageX3EntityName, key: string): SageX3SimRecord | undefined;
  /**
   * Every live record in key order, built lazily one at a time (memory stays one record, whatever the table
   * size): for checks that compare a whole table with what a client stored elsewhere.
   */
  records(entity: SageX3EntityName): Generator<SageX3SimRecord, void, undefined>;
  /** Live record count (O(1) plus the overlay). */
  count(entity: SageX3EntityName): number;
  /** Live line count (hashing only; no records are built). */
  lineCount(entity: SageX3EntityName): number;
  /** The request log (no credentials in it). */
  requestLog(): SageX3RequestLogEntry[];
  /** Empties the request log. */
  clearRequestLog(): void;
  /**
   * Sets a Basic-auth user's password (an administrator changing it in Syracuse): later requests must use the
   * new one. An unknown user is added.
   */
  setUserPassword(user: string, password: string): void;
  /** Revokes every cloud OAuth pairing (access and refresh tokens), or one client's. Returns how many. */
  revokeTokens(clientId?: string): number;
  /** Deletes one refresh token (its pairing ends). Returns false when unknown. */
  revokeRefreshToken(refreshToken: string): boolean;
  /** A refresh token's state: `active`, `used` (rotated away), `revoked`, `expired` or `unknown`. */
  refreshTokenState(refreshToken: string): 'active' | 'used' | 'revoked' | 'expired' | 'unknown';
  /** Issues an authorization code as if a user approved a pairing. */
  issueAuthorizationCode(clientId?: string): string;
  /** Creates a pairing and returns its first refresh token (skips the code exchange). */
  mintRefreshToken(clientId?: string): SageX3MintedRefreshToken;
  /** How many records have been built from the seed so far (proves scans stay lazy). */
  generatedRecords(): number;
}

/** Credentials a client needs for each auth mode. */
export interface SageX3SimCredentials {
  /** HTTP Basic (REST, and GraphQL unless disabled). */
  readonly basic: { readonly user: string; readonly password: string };
  /** Connected application for self-signed JWTs on `/xtrem/api`. */
  readonly connectedApp: {
    readonly clientId: string;
    readonly secret: string;
    readonly user: string;
    readonly audience: string;
  };
  /** Cloud gateway OAuth2 (authorization code pairing, rotating refresh tokens). */
  readonly oauth: {
    readonly tokenUrl: string;
    readonly authorizeUrl: string;
    readonly clientId: string;
    readonly clientSecret: string;
    readonly redirectUri: string;
    /** A fresh authorization code (single use, expires after `authorizationCodeTtlSeconds`). */
    readonly authorizationCode: string;
    /** A refresh token of a separate pairing minted at start, so a client can skip the code exchange. */
    readonly refreshToken: string;
    /** Expiry of `refreshToken`, epoch ms. */
    readonly refreshTokenExpiresAt: number;
  };
}

/** A running Sage X3 simulator. */
export interface SageX3Simulator {
  /** Base URL, e.g. `http://127.0.0.1:43210` (no trailing slash). */
  readonly url: string;
  /** The first Syracuse endpoint name (the `{endpoint}` in REST URLs and `x-xtrem-endpoint`). */
  readonly endpoint: string;
  /** Every served endpoint name. */
  readonly endpoints: readonly string[];
  /** `${url}/xtrem/api`. */
  readonly graphqlUrl: string;
  /** REST class and representation per entity. */
  readonly classes: Readonly<Record<SageX3EntityName, { className: string; representation: string }>>;
  readonly credentials: SageX3SimCredentials;
  /** With `tls`: the CA and server certificate; trust `caCertificatePem` in clients. */
  readonly tls?: TestTls;
  readonly control: SageX3SimulatorControl;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}
