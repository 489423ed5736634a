import { type EngineContext, alert, audit } from '../engine/engine-context.js';
import type { CredentialExpiring } from './sync.js';

/** Reports an expiring credential: a `credential-expiring` event, a `SYNC_CREDENTIAL_EXPIRING` alert and an audit entry. */
export async function reportCredentialExpiring(
  ctx: EngineContext,
  notice: CredentialExpiring,
): Promise<void> {
  ctx.events.emit('credential-expiring', notice);
  const days = Math.floor(notice.remainingMs / 86_400_000);
  const message = `credential ${notice.credential} expires at ${new Date(notice.expiresAt).toISOString()} (in ${days} days)`;
  alert(ctx, { code: 'SYNC_CREDENTIAL_EXPIRING', message });
  await audit(ctx, { type: 'credential-expiring', message, data: { ...notice } });
}
