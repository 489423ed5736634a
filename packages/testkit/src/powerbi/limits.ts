/**
 * The Power BI push-dataset limits the simulator enforces. Every default is the documented number
 * ([documented] reference §0 and §3, source S5 unless noted); override them only to make tests small.
 */
export interface PowerBISimulatorLimits {
  /** Rows in one POST rows request. @default 10_000 */
  maxRowsPerRequest: number;
  /** Bytes in one POST rows request body. @default 16 MiB ([documented] S8 "16 MB per request") */
  maxRequestBytes: number;
  /** POST rows requests per dataset per (scaled) minute. @default 120 */
  postsPerMinute: number;
  /** POST rows requests per dataset per (scaled) hour once the target table holds `slowModeTableRows`. @default 120 */
  postsPerHourSlowMode: number;
  /** Table size that switches a dataset into the hourly request cap. @default 250_000 */
  slowModeTableRows: number;
  /** Rows added per dataset per (scaled) hour. @default 1_000_000 */
  rowsPerHour: number;
  /** Concurrent (pending) POST rows requests per dataset. @default 5 */
  maxPendingPosts: number;
  /** Characters in one String value. @default 4_000 */
  maxStringLength: number;
  /** Tables per dataset. @default 75 */
  maxTables: number;
  /** Columns per table. @default 75 ([inferred] per table; the reference says "75 columns") */
  maxColumns: number;
  /** Relationships per dataset. @default 75 */
  maxRelationships: number;
  /** Rows kept per table with `basicFIFO`: trimmed back to this when `fifoTrimAbove` is exceeded. @default 200_000 */
  fifoMaxRows: number;
  /** Row count above which a `basicFIFO` table is trimmed ([documented] S9 "kept between 200k and 210k"). @default 210_000 */
  fifoTrimAbove: number;
  /** Rows per table with retention `None`; a POST that would exceed it is refused. @default 5_000_000 */
  noneMaxRows: number;
  /** executeQueries calls per principal per (scaled) minute ([documented] S14). @default 120 */
  queriesPerMinute: number;
  /** Rows one executeQueries result returns before it is truncated ([documented] S14). @default 100_000 */
  maxQueryRows: number;
}

/** The documented defaults, see {@link PowerBISimulatorLimits}. */
export const POWER_BI_SIMULATOR_LIMITS: Readonly<PowerBISimulatorLimits> = Object.freeze({
  maxRowsPerRequest: 10_000,
  maxRequestBytes: 16 * 1024 * 1024,
  postsPerMinute: 120,
  postsPerHourSlowMode: 120,
  slowModeTableRows: 250_000,
  rowsPerHour: 1_000_000,
  maxPendingPosts: 5,
  maxStringLength: 4_000,
  maxTables: 75,
  maxColumns: 75,
  maxRelationships: 75,
  fifoMaxRows: 200_000,
  fifoTrimAbove: 210_000,
  noneMaxRows: 5_000_000,
  queriesPerMinute: 120,
  maxQueryRows: 100_000,
});
