import { DatasetPacer } from '../pacing/dataset-pacer.js';
import type { ClientContext } from './client-context.js';
import type { ResolvedPowerBIClientOptions } from './power-bi-client-options.js';
import { powerBIHttpClient } from './power-bi-http-client.js';
import { powerBITokenCycler } from './power-bi-token-cycler.js';

/**
 * The one {@link ClientContext} of a new client: its token cache, its HTTP client, the schemas it knows and the
 * pacer of each dataset (created on first use, dropped with the dataset's schema when the dataset is deleted).
 */
export function newClientContext(resolved: ResolvedPowerBIClientOptions): ClientContext {
  const tokens = powerBITokenCycler(resolved);
  const pacers = new Map<string, DatasetPacer>();
  const schemas: ClientContext['schemas'] = new Map();
  return {
    options: resolved,
    http: powerBIHttpClient(resolved, tokens),
    tokens,
    schemas,
    pacer(datasetId) {
      let pacer = pacers.get(datasetId);
      if (!pacer) {
        pacer = new DatasetPacer(resolved.pacing, resolved.clock);
        pacers.set(datasetId, pacer);
      }
      return pacer;
    },
    forgetDataset(datasetId) {
      schemas.delete(datasetId);
      pacers.delete(datasetId);
    },
  };
}
