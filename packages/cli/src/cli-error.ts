/** Stable codes of the CLI's own errors. */
export type CliErrorCode = 'CLI_USAGE' | 'CLI_CONFIG_NOT_FOUND' | 'CLI_CONFIG_INVALID' | 'CLI_NOT_FOUND';

/** A usage or configuration error of `mlc`: printed as one line, exit code 2. */
export class CliError extends Error {
  /** Stable code. */
  readonly code: CliErrorCode;

  /** @param code stable code @param message one line for the operator */
  constructor(code: CliErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.code = code;
  }
}
