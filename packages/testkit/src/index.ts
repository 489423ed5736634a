// Public surface of @mlc/testkit. Each simulator adds its explicit exports in its own block below.

// --- Sage X3 simulator ---
export { startSageX3Simulator } from './sage-x3/server/start-sage-x3-simulator.js';
export type {
  SageX3SimCredentials,
  SageX3SimRecord,
  SageX3SimRecordChanges,
  SageX3Simulator,
  SageX3SimulatorControl,
} from './sage-x3/server/sage-x3-simulator.js';
export type {
  ResolvedSageX3SimulatorOptions,
  SageX3SimConnectedApp,
  SageX3SimOAuthClient,
  SageX3SimUser,
  SageX3SimulatorOptions,
  SageX3SimulatorSize,
  SageX3SizePreset,
} from './sage-x3/options.js';
export { resolveSageX3SimulatorOptions } from './sage-x3/options.js';
export type {
  SageX3FaultKind,
  SageX3FaultOptions,
  SageX3FaultSurface,
} from './sage-x3/faults/fault-options.js';
export type { SageX3RequestLogEntry } from './sage-x3/log/request-log.js';
export type { SageX3MintedRefreshToken } from './sage-x3/auth/oauth-server.js';
export type { FieldValue as SageX3FieldValue, SageX3EntityName } from './sage-x3/data/entity-definition.js';
export { SAGE_X3_ENTITY_NAMES } from './sage-x3/data/entity-definition.js';

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
export {
  POWER_BI_DEFAULT_SCOPE,
  POWER_BI_PUSH_CREATION_ENDS_AT,
  resolvePowerBISimulatorOptions,
} from './powerbi/options.js';
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

// --- TLS for the simulators ---
export type { GenerateTestTlsOptions, TestTls } from './tls/generate-test-tls.js';
export { generateTestTls } from './tls/generate-test-tls.js';
