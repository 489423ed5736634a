import type { HttpClient, TokenCycler } from '@mlc/core';
import type { DatasetPacer } from '../pacing/dataset-pacer.js';
import type { AnyDatasetSchema } from '../schema/schema-types.js';
import type { ResolvedPowerBIClientOptions } from './power-bi-client-options.js';

/** What the parts of one client share. Internal; one per `createPowerBIClient()` call, never module-level. */
export interface ClientContext {
  /** Resolved options. */
  readonly options: ResolvedPowerBIClientOptions;
  /** HTTP client rooted at `{apiBase}/groups/{groupId}/`. */
  readonly http: HttpClient;
  /** The token cache. */
  readonly tokens: TokenCycler;
  /** The pacer of a dataset (created on first use). */
  pacer(datasetId: string): DatasetPacer;
  /** Schemas known by dataset id (registered by `ensureDataset` or `table(…, { schema })`). */
  readonly schemas: Map<string, AnyDatasetSchema>;
  /** Forgets a dataset's schema and pacer (it was deleted). */
  forgetDataset(datasetId: string): void;
}

/** `datasets/{id}` with the id URL-encoded. */
export function datasetPath(datasetId: string): string {
  return `datasets/${encodeURIComponent(datasetId)}`;
}

/** `datasets/{id}/tables/{name}`; [documented-3p] §2.5: the name is case-sensitive, so it is only encoded. */
export function tablePath(datasetId: string, table: string): string {
  return `${datasetPath(datasetId)}/tables/${encodeURIComponent(table)}`;
}

/** True when the context knows the dataset's retention as `basicFIFO` (Power BI trims its tables; they never fill). */
export function isBasicFifo(context: ClientContext, datasetId: string): boolean {
  return context.schemas.get(datasetId)?.retentionPolicy === 'basicFIFO';
}
