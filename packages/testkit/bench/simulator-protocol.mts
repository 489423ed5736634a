/** Messages between a benchmark and {@link ./simulator-worker.mts}. */
import type { PowerBIFaultRule, SageX3EntityName } from '../src/index.js';

/** Where the simulators listen and the credentials to use (plain data, cloned across threads). */
export interface SimulatorInfo {
  /** Present when a Sage X3 simulator was started. */
  x3?: {
    url: string;
    endpoint: string;
    graphqlUrl: string;
    basic: { user: string; password: string };
  };
  /** Present when a Power BI simulator was started. */
  pbi?: {
    url: string;
    authorityHost: string;
    tenantId: string;
    clientId: string;
    clientSecret: string;
    groupId: string;
  };
}

/** POST rows requests the Power BI simulator answered, by HTTP status (`dropped` for a destroyed socket). */
export interface PostStats {
  posts: number;
  byStatus: Record<string, number>;
  /** 429 answers by reason (`PostsPerMinuteLimit`, `PendingRequestsLimit`, `RowsPerHourLimit`, …). */
  throttleReasons: Record<string, number>;
}

/**
 * How a Power BI table compares with the Sage X3 journal entries it was loaded from, one row expected per
 * journal entry line (entry number, line number). Computed inside the worker, so 200,000 rows never cross threads.
 */
export interface GlLinesCheck {
  /** Lines Sage X3 holds now. */
  expected: number;
  /** Rows in the checked table(s). */
  stored: number;
  /** Rows beyond the first for a line (a line posted twice counts 1). */
  duplicated: number;
  /** Lines with no row. */
  missing: number;
  /** Lines whose row differs from Sage X3 in account, sign or an amount (each line counted once). */
  wronglyValued: number;
  /** The first wrongly valued line: its key, Sage X3's value and the stored one (`account|sign|amounts`). */
  firstWrong?: { line: string; expected: string; stored: string };
}

/** A request to the worker. */
export type WorkerRequest =
  | { id: number; op: 'pbi.postStats' | 'pbi.rowCount' | 'pbi.clearRequests' | 'pbi.clearFaults' | 'close' }
  | { id: number; op: 'pbi.setFaults'; rules: PowerBIFaultRule[] }
  | { id: number; op: 'x3.count' | 'x3.lineCount'; entity: SageX3EntityName }
  /** Gives every `every`-th record of the entity (in key order, from the `offset`-th) a new description and stamp. */
  | { id: number; op: 'x3.touch'; entity: SageX3EntityName; every: number; offset: number }
  /** Compares every Power BI table named `table` with Sage X3's journal entry lines ({@link GlLinesCheck}). */
  | { id: number; op: 'check.glLines'; table: string };

/** The worker's answer (id 0 = started, with {@link SimulatorInfo}). */
export type WorkerResponse =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: string };
