import type { PowerBISimulatorLimits } from '../limits.js';
import { type CanonicalDataType, canonicalDataType } from './row-values.js';

/** A column as the simulator keeps it: the definition as sent plus its canonical type. */
export interface ColumnDefinition {
  name: string;
  dataType: CanonicalDataType;
  /** The definition exactly as the client sent it (returned unchanged where the API echoes definitions). */
  raw: Record<string, unknown>;
}

/** A validated table definition (without `rows`). */
export interface TableDefinition {
  name: string;
  columns: ColumnDefinition[];
  raw: Record<string, unknown>;
  /** Initial rows sent inside the create request ([documented] S6 `Table.rows`), not yet validated. */
  initialRows: unknown[];
}

/** A validated create-dataset request. */
export interface DatasetDefinition {
  name: string;
  defaultMode: string;
  tables: TableDefinition[];
  relationships: Record<string, unknown>[];
}

/** One validation problem, in the `details[]` shape ([C-3p] reference §2.1). */
export interface SchemaProblem {
  message: string;
  target: string;
}

// [C-3p] reference §2.1: unknown properties are rejected and names are case-sensitive. Allowed sets are the
// swagger's properties ([documented] S6).
const DATASET_PROPS = new Set(['name', 'tables', 'relationships', 'defaultMode', 'datasources']);
const TABLE_PROPS = new Set(['name', 'columns', 'measures', 'isHidden', 'description', 'rows', 'source']);
const COLUMN_PROPS = new Set([
  'name',
  'dataType',
  'formatString',
  'sortByColumn',
  'dataCategory',
  'isHidden',
  'summarizeBy',
]);
const MEASURE_PROPS = new Set(['name', 'expression', 'formatString', 'description', 'isHidden']);
const RELATIONSHIP_PROPS = new Set([
  'name',
  'fromTable',
  'fromColumn',
  'toTable',
  'toColumn',
  'crossFilteringBehavior',
]);
const DEFAULT_MODES = new Set(['AsAzure', 'AsOnPrem', 'Push', 'Streaming', 'PushStreaming']);
const CROSS_FILTER = new Set(['OneDirection', 'BothDirections', 'Automatic']);

// [documented] S6: table (and relationship) names are 1–100 chars from tab/LF/CR, space, #, -, digits, @,
// A–Z, ^, _, a–z, ~ and code points ≥ U+007F.
const TABLE_NAME = /^[\t\n\r #\-0-9@A-Z^_a-z~\u007f-\u{10ffff}]{1,100}$/u;
// [documented] S6: column/measure names: any chars ≥ U+0020 plus tab/LF/CR, non-empty.
const COLUMN_NAME = /^[\t\n\r\u0020-\u{10ffff}]+$/u;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unknownProps(
  obj: Record<string, unknown>,
  allowed: Set<string>,
  typeName: string,
  target: string,
  out: SchemaProblem[],
): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.has(key)) {
      out.push({
        message: `The property '${key}' does not exist on type 'Microsoft.PowerBI.ServiceContracts.Api.${typeName}'. Make sure to only use property names that are defined by the type.`,
        target,
      });
    }
  }
}

/** Validates one table definition (create or PUT). Problems are appended to `out`. */
export function validateTable(
  input: unknown,
  target: string,
  limits: PowerBISimulatorLimits,
  out: SchemaProblem[],
): TableDefinition | undefined {
  if (!isRecord(input)) {
    out.push({ message: 'A table must be a JSON object.', target });
    return undefined;
  }
  unknownProps(input, TABLE_PROPS, 'Table', target, out);
  const name = input.name;
  if (typeof name !== 'string' || !TABLE_NAME.test(name)) {
    out.push({
      message: `Table name ${JSON.stringify(name)} is invalid: 1-100 characters, letters, digits, space, '#', '-', '@', '^', '_', '~' or non-ASCII.`,
      target: `${target}.name`,
    });
  }
  const columns = validateColumns(input.columns, target, limits, out);
  if (input.measures !== undefined) validateMeasures(input.measures, target, out);
  if (input.rows !== undefined && !Array.isArray(input.rows)) {
    out.push({ message: "The property 'rows' must be an array.", target: `${target}.rows` });
  }
  if (typeof name !== 'string') return undefined;
  const { rows, ...raw } = input;
  return { name, columns, raw, initialRows: Array.isArray(rows) ? rows : [] };
}

/** Validates a table's `columns` (required array, count, names unique, data types); returns the valid ones. */
function validateColumns(
  columnsInput: unknown,
  target: string,
  limits: PowerBISimulatorLimits,
  out: SchemaProblem[],
): ColumnDefinition[] {
  const columns: ColumnDefinition[] = [];
  if (!Array.isArray(columnsInput)) {
    out.push({
      message: "The property 'columns' is required and must be an array.",
      target: `${target}.columns`,
    });
    return columns;
  }
  if (columnsInput.length > limits.maxColumns) {
    // [documented] S5: 75 columns.
    out.push({
      message: `Table has ${columnsInput.length} columns; the maximum is ${limits.maxColumns}.`,
      target: `${target}.columns`,
    });
  }
  const seen = new Set<string>();
  columnsInput.forEach((col, i) => {
    const ct = `${target}.columns[${i}]`;
    if (!isRecord(col)) {
      out.push({ message: 'A column must be a JSON object.', target: ct });
      return;
    }
    unknownProps(col, COLUMN_PROPS, 'Column', ct, out);
    const colName = col.name;
    if (typeof colName !== 'string' || !COLUMN_NAME.test(colName)) {
      out.push({ message: `Column name ${JSON.stringify(colName)} is invalid.`, target: `${ct}.name` });
      return;
    }
    // [inferred] column names are unique per table, case-insensitively (tabular model rule).
    if (seen.has(colName.toLowerCase())) {
      out.push({ message: `Duplicate column name '${colName}'.`, target: `${ct}.name` });
    }
    seen.add(colName.toLowerCase());
    const dataType = canonicalDataType(col.dataType);
    if (!dataType) {
      out.push({
        message: `Column '${colName}' has unsupported dataType ${JSON.stringify(col.dataType)}; expected Int64, Double, Decimal, Boolean, DateTime or String.`,
        target: `${ct}.dataType`,
      });
      return;
    }
    columns.push({ name: colName, dataType, raw: col });
  });
  return columns;
}

/** Validates a table's `measures` (an array of objects with a name and a DAX expression). */
function validateMeasures(measures: unknown, target: string, out: SchemaProblem[]): void {
  if (!Array.isArray(measures)) {
    out.push({ message: "The property 'measures' must be an array.", target: `${target}.measures` });
    return;
  }
  measures.forEach((m, i) => {
    const mt = `${target}.measures[${i}]`;
    if (!isRecord(m)) {
      out.push({ message: 'A measure must be a JSON object.', target: mt });
      return;
    }
    unknownProps(m, MEASURE_PROPS, 'Measure', mt, out);
    if (typeof m.name !== 'string' || !COLUMN_NAME.test(m.name)) {
      out.push({ message: 'A measure needs a non-empty name.', target: `${mt}.name` });
    }
    if (typeof m.expression !== 'string' || m.expression.length === 0) {
      out.push({ message: 'A measure needs a DAX expression.', target: `${mt}.expression` });
    }
  });
}

/** Validates a create-dataset body; returns the definition or the problems ([documented] S6 §2.1). */
export function validateDatasetRequest(
  input: unknown,
  limits: PowerBISimulatorLimits,
): { ok: true; dataset: DatasetDefinition } | { ok: false; problems: SchemaProblem[] } {
  const problems: SchemaProblem[] = [];
  if (!isRecord(input)) {
    return {
      ok: false,
      problems: [{ message: 'The request body must be a JSON object.', target: 'dataset' }],
    };
  }
  unknownProps(input, DATASET_PROPS, 'Dataset', 'dataset', problems);
  if (typeof input.name !== 'string' || input.name.trim().length === 0) {
    problems.push({ message: "The property 'name' is required.", target: 'dataset.name' });
  }
  const defaultMode = input.defaultMode ?? 'Push';
  if (typeof defaultMode !== 'string' || !DEFAULT_MODES.has(defaultMode)) {
    problems.push({
      message: `defaultMode ${JSON.stringify(defaultMode)} is not one of AsAzure, AsOnPrem, Push, Streaming, PushStreaming.`,
      target: 'dataset.defaultMode',
    });
  }
  const tables = validateTables(input.tables, limits, problems);
  const relationships =
    input.relationships === undefined
      ? []
      : validateRelationships(input.relationships, tables, limits, problems);
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    dataset: { name: String(input.name), defaultMode: String(defaultMode), tables, relationships },
  };
}

/** Validates a dataset's `tables` (required, non-empty, count, names unique); returns the valid definitions. */
function validateTables(
  tablesInput: unknown,
  limits: PowerBISimulatorLimits,
  problems: SchemaProblem[],
): TableDefinition[] {
  const tables: TableDefinition[] = [];
  if (!Array.isArray(tablesInput) || tablesInput.length === 0) {
    problems.push({
      message: "The property 'tables' is required and must not be empty.",
      target: 'dataset.tables',
    });
    return tables;
  }
  if (tablesInput.length > limits.maxTables) {
    problems.push({
      message: `Dataset has ${tablesInput.length} tables; the maximum is ${limits.maxTables}.`,
      target: 'dataset.tables',
    });
  }
  const seen = new Set<string>();
  tablesInput.forEach((t, i) => {
    const def = validateTable(t, `dataset.tables[${i}]`, limits, problems);
    if (!def) return;
    if (seen.has(def.name.toLowerCase())) {
      problems.push({
        message: `Duplicate table name '${def.name}'.`,
        target: `dataset.tables[${i}].name`,
      });
    }
    seen.add(def.name.toLowerCase());
    tables.push(def);
  });
  return tables;
}

/** Validates a dataset's `relationships` (an array within the count limit); returns the objects among them. */
function validateRelationships(
  input: unknown,
  tables: readonly TableDefinition[],
  limits: PowerBISimulatorLimits,
  problems: SchemaProblem[],
): Record<string, unknown>[] {
  const relationships: Record<string, unknown>[] = [];
  if (!Array.isArray(input)) {
    problems.push({
      message: "The property 'relationships' must be an array.",
      target: 'dataset.relationships',
    });
    return relationships;
  }
  if (input.length > limits.maxRelationships) {
    problems.push({
      message: `Dataset has ${input.length} relationships; the maximum is ${limits.maxRelationships}.`,
      target: 'dataset.relationships',
    });
  }
  input.forEach((r, i) => {
    const rt = `dataset.relationships[${i}]`;
    if (!isRecord(r)) {
      problems.push({ message: 'A relationship must be a JSON object.', target: rt });
      return;
    }
    validateRelationship(r, rt, tables, problems);
    relationships.push(r);
  });
  return relationships;
}

/** Validates one relationship: known properties, its name, both ends (table and column) and the cross filter. */
function validateRelationship(
  r: Record<string, unknown>,
  rt: string,
  tables: readonly TableDefinition[],
  problems: SchemaProblem[],
): void {
  unknownProps(r, RELATIONSHIP_PROPS, 'Relationship', rt, problems);
  if (typeof r.name !== 'string' || !TABLE_NAME.test(r.name)) {
    problems.push({
      message: `Relationship name ${JSON.stringify(r.name)} is invalid.`,
      target: `${rt}.name`,
    });
  }
  for (const [tableKey, columnKey] of [
    ['fromTable', 'fromColumn'],
    ['toTable', 'toColumn'],
  ] as const) {
    const table = tables.find((t) => t.name === r[tableKey]);
    if (!table) {
      problems.push({
        message: `Relationship refers to unknown table ${JSON.stringify(r[tableKey])}.`,
        target: `${rt}.${tableKey}`,
      });
    } else if (!table.columns.some((c) => c.name === r[columnKey])) {
      problems.push({
        message: `Relationship refers to unknown column ${JSON.stringify(r[columnKey])} of table '${table.name}'.`,
        target: `${rt}.${columnKey}`,
      });
    }
  }
  if (r.crossFilteringBehavior !== undefined && !CROSS_FILTER.has(String(r.crossFilteringBehavior))) {
    problems.push({
      message: `crossFilteringBehavior ${JSON.stringify(r.crossFilteringBehavior)} is not valid.`,
      target: `${rt}.crossFilteringBehavior`,
    });
  }
}
