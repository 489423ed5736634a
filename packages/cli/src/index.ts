// Public surface of @mlc/cli: the config helpers for mlc.config files, the doctor as a function, and `main` for
// running the command line in-process. The `mlc` binary is dist/cli.mjs.

export type { MlcConfig, MlcConfigContext, MlcConfigExport, MlcDoctorTargets } from './config/mlc-config.js';
export { defineConfig } from './config/mlc-config.js';
export { CONFIG_FILE_NAMES, findConfigFile, loadConfig } from './config/load-config.js';
export type { CliErrorCode } from './cli-error.js';
export { CliError } from './cli-error.js';
export type { CheckStatus, DoctorCheck, DoctorReport } from './doctor/doctor-check.js';
export type { RunDoctorOptions } from './doctor/run-doctor.js';
export { runDoctor } from './doctor/run-doctor.js';
export type { CliIO } from './output/cli-io.js';
export { SecretFilter } from './output/secret-filter.js';
export type { MainOptions } from './main.js';
export { USAGE, main } from './main.js';
