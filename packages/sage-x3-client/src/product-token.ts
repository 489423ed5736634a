import { version } from '../package.json';

/** This package's `User-Agent` product token, `mlc-sage-x3-client/<version>` (the version of package.json). */
export const PRODUCT_TOKEN = `mlc-sage-x3-client/${version}`;
