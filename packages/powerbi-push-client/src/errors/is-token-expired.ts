/**
 * Whether a Power BI answer says "your access token expired": a 403 whose `error.code` (or `error.pbi.error.code`)
 * is `TokenExpired` ([documented] S12: Power BI answers an expired token with 403, not 401). The one test of it:
 * the HTTP client's auth challenge (refresh the token once and resend), the error mapping (a `TokenExpired` that
 * survives that refresh is transient, not an auth failure) and the executeQueries mapping (not "unavailable") read it.
 */
export function isTokenExpired(answer: {
  status: number | undefined;
  serviceCode: string | undefined;
}): boolean {
  return answer.status === 403 && answer.serviceCode === 'TokenExpired';
}
