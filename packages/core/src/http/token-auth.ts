import type { TokenCycler } from '../auth/token-cycler.js';
import type { AuthProvider } from './http-types.js';

/** An {@link AuthProvider} that sends `Authorization: Bearer <token>` from a {@link TokenCycler}, forcing a refresh after a 401. */
export function tokenAuth(cycler: TokenCycler): AuthProvider {
  return {
    async getHeaders({ signal, forceRefresh }) {
      const token = await cycler.getToken({ forceRefresh, ...(signal ? { signal } : {}) });
      return { authorization: `Bearer ${token.token}` };
    },
  };
}
