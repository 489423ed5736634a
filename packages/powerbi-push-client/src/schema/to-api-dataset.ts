import type { AnyDatasetSchema, ResolvedTable } from './schema-types.js';

/** A column as the REST API takes it ([documented] reference §2.1, swagger `Column`). */
export interface ApiColumn {
  /** Column name. */
  name: string;
  /** Data type (canonical spelling when sent; the service may list other spellings). */
  dataType: string;
  formatString?: string;
  isHidden?: boolean;
  dataCategory?: string;
  summarizeBy?: string;
  sortByColumn?: string;
}

/** A table as the REST API takes it ([documented] reference §2.1, swagger `Table`). */
export interface ApiTable {
  /** Table name. */
  name: string;
  /** Columns (when the service lists them: undocumented for list tables). */
  columns: ApiColumn[];
  measures?: Array<{
    name: string;
    expression: string;
    formatString?: string;
    description?: string;
    isHidden?: boolean;
  }>;
  isHidden?: boolean;
  description?: string;
}

/** The body of `POST /groups/{groupId}/datasets` ([documented] reference §2.1, `CreateDatasetRequest`). */
export interface ApiCreateDatasetRequest {
  name: string;
  defaultMode: string;
  tables: ApiTable[];
  relationships?: Array<{
    name: string;
    fromTable: string;
    fromColumn: string;
    toTable: string;
    toColumn: string;
    crossFilteringBehavior?: string;
  }>;
}

/**
 * The table body for create and `PUT …/tables/{name}`. Only documented properties are sent: the service rejects
 * unknown properties with 400 ([documented-3p] reference §2.1), and property names are case-sensitive.
 */
export function toApiTable(table: ResolvedTable): ApiTable {
  return {
    name: table.name,
    columns: table.columns.map((column) => ({
      name: column.name,
      dataType: column.dataType,
      ...(column.formatString !== undefined ? { formatString: column.formatString } : {}),
      ...(column.isHidden !== undefined ? { isHidden: column.isHidden } : {}),
      ...(column.dataCategory !== undefined ? { dataCategory: column.dataCategory } : {}),
      ...(column.summarizeBy !== undefined ? { summarizeBy: column.summarizeBy } : {}),
      ...(column.sortByColumn !== undefined ? { sortByColumn: column.sortByColumn } : {}),
    })),
    ...(table.measures.length > 0 ? { measures: table.measures.map((measure) => ({ ...measure })) } : {}),
    ...(table.isHidden !== undefined ? { isHidden: table.isHidden } : {}),
    ...(table.description !== undefined ? { description: table.description } : {}),
  };
}

/** The create-dataset body for a schema. */
export function toApiCreateDataset(schema: AnyDatasetSchema): ApiCreateDatasetRequest {
  return {
    name: schema.name,
    defaultMode: schema.defaultMode,
    tables: schema.tables.map(toApiTable),
    ...(schema.relationships.length > 0
      ? { relationships: schema.relationships.map((relationship) => ({ ...relationship })) }
      : {}),
  };
}
