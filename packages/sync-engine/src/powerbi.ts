// `@mlc/sync-engine/powerbi`: a Power BI push dataset as a SyncSink, its dataset schema from the streams' tables,
// and the Power BI push row rules as a `checkRow`. Needs `@mlc/powerbi-push-client` (an optional peer dependency of
// the engine). Every export is named.

export type { PowerBISinkOptions } from './powerbi/powerbi-sink.js';
export { powerBISink } from './powerbi/powerbi-sink.js';
export type { ThrottleMeter } from './powerbi/throttle-meter.js';
export { createThrottleMeter } from './powerbi/throttle-meter.js';
export { datasetForStreams, datasetForTables } from './powerbi/dataset-for-tables.js';
export { checkPowerBIRow } from './powerbi/check-power-bi-row.js';
export { describePowerBIFailure } from './powerbi/describe-power-bi-failure.js';
