import { describeError } from '../doctor-check.js';

/** The doctor section of the Power BI checks. */
export const POWER_BI_SECTION = 'power-bi';

/** The HTTP status of a Power BI error, if it has one. */
export function httpStatusOf(error: unknown): number | undefined {
  const s = (error as { status?: unknown })?.status;
  return typeof s === 'number' ? s : undefined;
}

/** The server's code and message of a Power BI HTTP error, for a check's detail. */
export function serviceText(error: unknown): string {
  const e = error as { serviceCode?: string; serviceMessage?: string };
  const d = describeError(error);
  return `${httpStatusOf(error) ?? ''} ${e.serviceCode ?? d.code ?? ''}: ${e.serviceMessage ?? d.message}`.trim();
}
