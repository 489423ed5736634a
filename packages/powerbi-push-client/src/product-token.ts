import { version } from '../package.json';

/** This package's `User-Agent` product token, `mlc-powerbi-push-client/<version>` (the version of package.json). */
export const PRODUCT_TOKEN = `mlc-powerbi-push-client/${version}`;
