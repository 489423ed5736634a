import type { AnyDatasetSchema } from '../schema/schema-types.js';
import type { ClientContext } from './client-context.js';
import type { EnsureDatasetOptions } from './ensure-dataset.js';

/** One `ensureDataset()` call, shared by its steps: what it works on and the actions it has reported so far. */
export interface EnsureRun {
  readonly context: ClientContext;
  readonly schema: AnyDatasetSchema;
  readonly options: EnsureDatasetOptions;
  /** What the call did, in order (the report's `actions`); each step appends to it. */
  readonly actions: string[];
}
