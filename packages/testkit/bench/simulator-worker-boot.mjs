// Worker entry in plain JavaScript: on Node 20 a worker thread does not get tsx's loader from the parent's
// `--import`, so register it here, then load the TypeScript worker. `--conditions=@mlc/source` is inherited.
import { register } from 'tsx/esm/api';

register();
await import('./simulator-worker.mts');
