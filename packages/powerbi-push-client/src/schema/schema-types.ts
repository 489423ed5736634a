/** The column data types of push datasets, in their canonical spelling ([documented] reference §4, S7, S15). */
export type PowerBIDataType = 'Int64' | 'Double' | 'Decimal' | 'Boolean' | 'DateTime' | 'String';

/** Every {@link PowerBIDataType}, for runtime checks. */
export const POWER_BI_DATA_TYPES: readonly PowerBIDataType[] = Object.freeze([
  'Int64',
  'Double',
  'Decimal',
  'Boolean',
  'DateTime',
  'String',
]);

/** How a column aggregates by default in reports ([documented] reference §2.1). */
export type SummarizeBy = 'default' | 'none' | 'sum' | 'min' | 'max' | 'count' | 'average' | 'distinctCount';

/** A column with its options. The short form is just the data type: `amount: 'Decimal'`. */
export interface ColumnDefinition<T extends PowerBIDataType = PowerBIDataType> {
  /** The data type. */
  type: T;
  /**
   * Whether rows may omit the value (or pass `null`): it is then left blank. Non-nullable columns must be present
   * in every row — stricter than the service, which does not document what it does with missing keys (§4, [U]).
   * @default false
   */
  nullable?: boolean;
  /** Display format, e.g. `"Currency"` or `"0.00"`. */
  formatString?: string;
  /** Hidden from report authors. @default false */
  isHidden?: boolean;
  /** Data category, e.g. `City`, `WebUrl`. */
  dataCategory?: string;
  /** Default aggregation. */
  summarizeBy?: SummarizeBy;
  /** Another column of the table to sort this one by. */
  sortByColumn?: string;
}

/** A column: its data type, or a {@link ColumnDefinition}. */
export type ColumnSpec = PowerBIDataType | ColumnDefinition;

/** A DAX measure of a table ([documented] reference §2.1). */
export interface MeasureDefinition {
  /** Measure name. */
  name: string;
  /** DAX expression. */
  expression: string;
  /** Display format. */
  formatString?: string;
  /** Description. */
  description?: string;
  /** Hidden from report authors. */
  isHidden?: boolean;
}

/** A table: its columns (name → type) and optional measures. */
export interface TableDefinition<C extends Record<string, ColumnSpec> = Record<string, ColumnSpec>> {
  /** Columns by name, in the order they are created. */
  columns: C;
  /** DAX measures. */
  measures?: readonly MeasureDefinition[];
  /** Hidden from report authors. */
  isHidden?: boolean;
  /** Description. */
  description?: string;
}

/** A relationship between two tables ([documented] reference §2.1). */
export interface RelationshipDefinition {
  /** Relationship name (same character rules as table names). */
  name: string;
  /** The many (foreign-key) side table. */
  fromTable: string;
  /** The foreign-key column. */
  fromColumn: string;
  /** The one (primary-key) side table. */
  toTable: string;
  /** The key column. */
  toColumn: string;
  /** @default 'OneDirection' */
  crossFilteringBehavior?: 'OneDirection' | 'BothDirections' | 'Automatic';
}

/** Retention policy chosen at creation ([documented] reference §2.1, S9). */
export type RetentionPolicy = 'None' | 'basicFIFO';

/** What {@link defineDataset} takes. */
export interface DatasetDefinition<
  T extends Record<string, TableDefinition> = Record<string, TableDefinition>,
> {
  /** Dataset name (not unique in Power BI: `ensureDataset` finds it by name). */
  name: string;
  /** Tables by name. */
  tables: T;
  /** Relationships between the tables. */
  relationships?: readonly RelationshipDefinition[];
  /**
   * `Push`, or `PushStreaming` (push + streaming tiles). [documented] §2.1: omitted means a push dataset.
   * @default 'Push'
   */
  defaultMode?: 'Push' | 'PushStreaming';
  /**
   * `basicFIFO` keeps the newest ~200,000 rows per table; `None` keeps up to 5,000,000 and refuses more.
   * Chosen only at creation ([documented] §2.1, S9).
   * @default 'None'
   */
  retentionPolicy?: RetentionPolicy;
  /**
   * Adds the reserved hidden String column `_batch` to every table, so `append(rows, { batchId })` can tag rows and
   * verification can count them. It counts towards the 75-column limit.
   * @default true
   */
  batchColumn?: boolean;
}

/** The TypeScript value each data type accepts in a row. */
export interface ColumnValueTypes {
  /** Safe-integer numbers, `bigint`, or a string of digits (for values beyond 2^53). */
  Int64: number | bigint | string;
  /** Finite numbers. */
  Double: number;
  /** Numbers, bigints or decimal strings (`"12.3456"`, exact), at most 4 decimal places and 28 digits. */
  Decimal: number | bigint | string;
  /** Booleans. */
  Boolean: boolean;
  /** `Date`s or ISO 8601 strings with a zone (`Z` or `±hh:mm`) or date-only; sent as UTC. */
  DateTime: Date | string;
  /** Strings of at most 4,000 characters. */
  String: string;
}

type TypeOf<S> = S extends PowerBIDataType ? S : S extends ColumnDefinition<infer T> ? T : never;
type NullableKeys<C> = { [K in keyof C]: C[K] extends { nullable: true } ? K : never }[keyof C];
type RequiredKeys<C> = Exclude<keyof C, NullableKeys<C>>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The row type of a table's columns: required keys for ordinary columns, optional ones for nullable columns. */
export type RowOf<C extends Record<string, ColumnSpec>> = Simplify<
  { [K in RequiredKeys<C>]: ColumnValueTypes[TypeOf<C[K]>] } & {
    [K in NullableKeys<C>]?: ColumnValueTypes[TypeOf<C[K]>] | null;
  }
>;

/** A column after {@link defineDataset} resolved it. */
export interface ResolvedColumn {
  /** Column name. */
  readonly name: string;
  /** Data type. */
  readonly dataType: PowerBIDataType;
  /** Whether rows may omit it. */
  readonly nullable: boolean;
  /** True for the reserved `_batch` column. */
  readonly reserved: boolean;
  /** Display format. */
  readonly formatString?: string;
  /** Hidden. */
  readonly isHidden?: boolean;
  /** Data category. */
  readonly dataCategory?: string;
  /** Default aggregation. */
  readonly summarizeBy?: SummarizeBy;
  /** Sort-by column. */
  readonly sortByColumn?: string;
}

/** A table after {@link defineDataset} resolved it. */
export interface ResolvedTable {
  /** Table name. */
  readonly name: string;
  /** Columns in creation order (the `_batch` column last, when enabled). */
  readonly columns: readonly ResolvedColumn[];
  /** Columns by name. */
  readonly columnsByName: ReadonlyMap<string, ResolvedColumn>;
  /** Measures. */
  readonly measures: readonly MeasureDefinition[];
  /** Hidden. */
  readonly isHidden?: boolean;
  /** Description. */
  readonly description?: string;
  /** Whether the reserved `_batch` column exists. */
  readonly hasBatchColumn: boolean;
}

/** The name of the reserved batch column. */
export const BATCH_COLUMN = '_batch';

/** Type-level map of a definition's tables to their row types. */
export type RowsByTable<T extends Record<string, TableDefinition>> = {
  [K in keyof T]: RowOf<T[K]['columns']>;
};

/**
 * A validated dataset schema, returned by {@link defineDataset}. The type parameter carries the row type of each
 * table (`RowsByTable`), so `client.table(id, 'Orders', { schema })` and `ensureDataset(schema).table('Orders')`
 * are typed.
 */
export interface DatasetSchema<
  Rows extends Record<string, object> = Record<string, Record<string, unknown>>,
> {
  /** Dataset name. */
  readonly name: string;
  /** Tables in definition order. */
  readonly tables: readonly ResolvedTable[];
  /** Tables by name. */
  readonly tablesByName: ReadonlyMap<string, ResolvedTable>;
  /** Relationships. */
  readonly relationships: readonly RelationshipDefinition[];
  /** `Push` or `PushStreaming`. */
  readonly defaultMode: 'Push' | 'PushStreaming';
  /** Retention policy used when the dataset is created. */
  readonly retentionPolicy: RetentionPolicy;
  /** Whether every table has the reserved `_batch` column. */
  readonly batchColumn: boolean;
  /** Phantom field carrying the row types; always `undefined` at run time. */
  readonly rowTypes?: Rows;
}

/** Any dataset schema (the row-type parameter is covariant, so every schema is assignable to it). */
export type AnyDatasetSchema = DatasetSchema<Record<string, object>>;

/** The table names of a schema. */
export type TableNameOf<S extends AnyDatasetSchema> =
  S extends DatasetSchema<infer R> ? Extract<keyof R, string> : string;

/** The row type of a table of a schema. */
export type RowOfTable<S extends AnyDatasetSchema, N extends string> =
  S extends DatasetSchema<infer R>
    ? N extends keyof R
      ? R[N]
      : Record<string, unknown>
    : Record<string, unknown>;
