// Public surface of @mlc/testkit. Each simulator adds its explicit exports in its own block below.

// --- Sage X3 simulator ---

// --- Entra ID + Power BI simulator ---
export type {
  PowerBISimulator,
  PowerBISimulatorCertificate,
} from './powerbi/start-powerbi-simulator.js';
export { startPowerBISimulator } from './powerbi/start-powerbi-simulator.js';
export type {
  PowerBISimulatorOptions,
  SimulatedApp,
  SimulatedGroup,
  SimulatedMember,
  SimulatedTenant,
  WorkspaceRole,
} from './powerbi/options.js';
export { POWER_BI_DEFAULT_SCOPE, resolvePowerBISimulatorOptions } from './powerbi/options.js';
export type { PowerBISimulatorLimits } from './powerbi/limits.js';
export { POWER_BI_SIMULATOR_LIMITS } from './powerbi/limits.js';
export type { PowerBIFaultRule, PowerBIRouteKind } from './powerbi/faults.js';
export type {
  PowerBIDatasetSnapshot,
  PowerBIQuotaSnapshot,
  PowerBISimulatorControl,
} from './powerbi/control.js';
export type { PowerBIRequestLogEntry, PowerBIRequestOutcome } from './powerbi/request-log.js';
export type { CanonicalDataType, StoredValue } from './powerbi/api/row-values.js';
export type { RetentionPolicy } from './powerbi/model.js';
export type { CertificateThumbprints } from './powerbi/test-certificate.js';
export {
  TEST_CERTIFICATE_PEM,
  TEST_PRIVATE_KEY_PEM,
  certificateThumbprints,
} from './powerbi/test-certificate.js';
export { DAX_FORMS } from './powerbi/api/dax-forms.js';
