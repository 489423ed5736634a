// One import point for the powerbi simulator tests: the package's public surface plus the core clock.
export { TestClock } from '@mlc/core';
export type { PowerBISimulator } from '../../src/index.js';
export { DAX_FORMS, POWER_BI_SIMULATOR_LIMITS, startPowerBISimulator } from '../../src/index.js';
