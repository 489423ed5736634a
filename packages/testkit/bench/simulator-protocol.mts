/** Messages between a benchmark and {@link ./simulator-worker.mts}. */
import type { SageX3EntityName } from '../src/index.js';

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

/** A request to the worker. */
export type WorkerRequest =
  | { id: number; op: 'pbi.postStats' | 'pbi.rowCount' | 'pbi.clearRequests' | 'close' }
  | { id: number; op: 'x3.count' | 'x3.lineCount'; entity: SageX3EntityName };

/** The worker's answer (id 0 = started, with {@link SimulatorInfo}). */
export type WorkerResponse =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: string };
