/**
 * The documented limits of Power BI push datasets, as the client enforces them. Sources are the sections of the
 * project's Power BI reference (push-datasets-limitations, api-dataset-properties, real-time streaming docs).
 */
export const POWER_BI_LIMITS = Object.freeze({
  /** [documented] Rows per POST rows request (reference §0, §3). */
  maxRowsPerRequest: 10_000,
  /**
   * [documented] Bytes per push request: "16 MB" (reference §3, S8). Whether MB means 10^6 or 2^20 is not stated,
   * so [inferred] the client uses the stricter 16,000,000 bytes of serialised JSON.
   */
  maxRequestBytes: 16_000_000,
  /** [documented] POST rows requests per minute per dataset (reference §3). */
  maxPostsPerMinute: 120,
  /** [documented] POST rows requests per hour per dataset once a table holds ≥ 250,000 rows (reference §3). */
  maxPostsPerHourLargeTable: 120,
  /** [documented] The row count at which the hourly request limit applies (reference §3). */
  largeTableRowThreshold: 250_000,
  /** [documented] Rows added per hour per dataset (reference §3). */
  maxRowsPerHour: 1_000_000,
  /** [documented] Pending (concurrent) POST rows requests per dataset (reference §3). */
  maxPendingPosts: 5,
  /** [documented] Tables per dataset (reference §3). */
  maxTables: 75,
  /** [documented] Columns per table (reference §3). */
  maxColumns: 75,
  /** [documented] Relationships per dataset (reference §3). */
  maxRelationships: 75,
  /** [documented] Characters per string value in POST rows (reference §4; an older page said 128K). */
  maxStringLength: 4_000,
  /** [documented] Table and relationship name length (swagger pattern, reference §2.1). */
  maxTableNameLength: 100,
  /** [documented] Rows kept per table with the `basicFIFO` retention policy (reference §3, S9). */
  maxRowsPerTableFifo: 200_000,
  /** [documented] Rows kept per table with retention `None` (reference §3). */
  maxRowsPerTableNone: 5_000_000,
  /**
   * Shares of a table's row cap at which the client warns (`AppendResult.capacity`) — 80 % and 95 % — so an
   * operator has time to act before appends are refused. The project's choice, not a Power BI number.
   */
  tableCapacityWarnings: [0.8, 0.95] as readonly number[],
  /** [documented] Decimal precision (reference §4). */
  decimalPrecision: 28,
  /** [documented] Decimal scale (reference §4). */
  decimalScale: 4,
  /** [documented] executeQueries calls per minute per user (reference §2.7). */
  maxQueriesPerMinute: 120,
  /**
   * [documented] Creation of new push (and streaming) semantic models ends after 2027-10-31; existing datasets keep
   * working (reference §0, §5.10, S8). Epoch ms of the first refused instant, the UTC end of that day ([inferred]).
   */
  pushDatasetCreationEndsAt: Date.UTC(2027, 10, 1),
  /** How long before {@link POWER_BI_LIMITS.pushDatasetCreationEndsAt} `ensureDataset()` warns when it creates one. */
  pushDatasetCreationWarningMs: 365 * 24 * 3_600_000,
});

/** The type of {@link POWER_BI_LIMITS}. */
export type PowerBILimits = typeof POWER_BI_LIMITS;
