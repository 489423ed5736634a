import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startSageX3Simulator } from '../../src/index.js';

/** A loopback port nobody listens on (taken from the OS, then released). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('startSageX3Simulator start-up', () => {
  it('refuses options without a user before it listens, leaving the port free', async () => {
    const port = await freePort();
    await expect(startSageX3Simulator({ port, users: [] })).rejects.toThrow(
      /users, connectedApps and oauthClients need one entry each/,
    );
    // Before the check moved ahead of listen(), the refused simulator kept the port bound: EADDRINUSE here.
    const again = createServer();
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.listen(port, '127.0.0.1', resolve);
    });
    await new Promise<void>((resolve) => again.close(() => resolve()));
  });
});
