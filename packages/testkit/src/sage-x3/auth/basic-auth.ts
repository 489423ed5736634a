import type { SageX3SimUser } from '../options.js';

/** Parses `Authorization: Basic …` and checks it against the users; returns the user name or undefined. */
export function checkBasicAuth(header: string, users: readonly SageX3SimUser[]): string | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const user = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  return users.some((u) => u.user === user && u.password === password) ? user : undefined;
}
