/** What main.ts hands each worker (JSON in `MLC_MULTI_WORKER`). */
export interface WorkerConfig {
  /** Worker number (1, 2, 3), part of its lease owner id. */
  worker: number;
  x3: { url: string; endpoint: string; user: string; password: string };
  pbi: {
    url: string;
    authorityHost: string;
    tenantId: string;
    clientId: string;
    clientSecret: string;
    groupId: string;
  };
  /** The dataset main.ts created once, so the workers never race to create it. */
  datasetId: string;
  datasetName: string;
  pgUrl: string;
  /** The PostgreSQL schema of this example's state store. */
  schema: string;
  leaseTtlMs: number;
  batchSize: number;
}

/** What a worker tells main.ts over the IPC channel. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'run-started'; stream: string; runId: string }
  | {
      type: 'run-finished';
      stream: string;
      runId: string;
      rowsPosted: number;
      intentsResolved: number;
      rebuilt: boolean;
    }
  | { type: 'run-failed'; stream: string; error: string }
  | { type: 'run-skipped'; stream: string; reason: string }
  | { type: 'batch-committed'; stream: string; rows: number }
  | { type: 'batch-verified'; stream: string; decision: string; counted: number; expected: number };
