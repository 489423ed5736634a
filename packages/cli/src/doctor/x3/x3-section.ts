/** The doctor section of the Sage X3 checks. */
export const X3_SECTION = 'sage-x3';

/** The title of the `x3.auth` check for an auth mode. */
export function x3AuthTitle(kind: string): string {
  return `Sage X3 authentication (${kind})`;
}
