import { MlcError } from '@mlc/core';

/** Codes of {@link PowerBIDatasetError}. */
export type PowerBIDatasetCode =
  | 'PBI_DATASET_DUPLICATE'
  | 'PBI_DATASET_NOT_PUSH'
  | 'PBI_TABLE_MISSING'
  | 'PBI_SCHEMA_UNKNOWN'
  /** Power BI no longer creates push datasets (after 2027-10-31, `FeatureDeprecatedError`). */
  | 'PBI_DATASET_CREATION_RETIRED';

/**
 * The workspace does not match what `ensureDataset()` can reconcile: several datasets share the name, a dataset
 * with the name is not a push dataset, the schema adds a table (Power BI cannot add tables to an existing
 * dataset — reference §2.4, §5.9), or Power BI no longer creates push datasets (after 2027-10-31, §5.10).
 */
export class PowerBIDatasetError extends MlcError<PowerBIDatasetCode> {
  override name = 'PowerBIDatasetError' as const;
  /** The dataset name concerned. */
  readonly datasetName?: string;
  /** The ids of the datasets concerned (e.g. the duplicates). */
  readonly datasetIds: readonly string[];

  constructor(options: {
    code: PowerBIDatasetCode;
    message: string;
    datasetName?: string;
    datasetIds?: readonly string[];
    cause?: unknown;
  }) {
    const { code, message } = options;
    super({
      message: message,
      code,
      kind: 'client',
      retryable: false,
      ...(options.cause !== undefined ? { cause: options.cause } : {}),
      details: {
        ...(options.datasetName ? { datasetName: options.datasetName } : {}),
        datasetIds: options.datasetIds ?? [],
      },
    });
    if (options.datasetName !== undefined) this.datasetName = options.datasetName;
    this.datasetIds = options.datasetIds ?? [];
  }
}
