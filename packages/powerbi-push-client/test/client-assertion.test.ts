import { TestClock } from '@mlc/core';
import { TEST_CERTIFICATE_PEM, TEST_PRIVATE_KEY_PEM, certificateThumbprints } from '@mlc/testkit';
import { decodeProtectedHeader, importX509, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  PowerBIValidationError,
  buildClientAssertion,
  clientCertificateCredential,
  parseCertificate,
} from '../src/index.js';

const AUD = 'https://login.microsoftonline.com/tenant-1/oauth2/v2.0/token';

describe('client assertion', () => {
  it('is a PS256 JWT with x5t#S256 and the documented claims, verifiable with the certificate', async () => {
    const clock = new TestClock('2024-05-01T12:00:00Z');
    const certificate = parseCertificate(TEST_CERTIFICATE_PEM, TEST_PRIVATE_KEY_PEM);
    const jwt = await buildClientAssertion({ clientId: 'app-1', audience: AUD, certificate, clock });
    const header = decodeProtectedHeader(jwt);
    expect(header).toEqual({
      alg: 'PS256',
      typ: 'JWT',
      'x5t#S256': certificateThumbprints(TEST_CERTIFICATE_PEM).x5tS256,
    });
    const key = await importX509(TEST_CERTIFICATE_PEM, 'PS256');
    const { payload } = await jwtVerify(jwt, key, {
      audience: AUD,
      issuer: 'app-1',
      subject: 'app-1',
      currentDate: new Date(clock.now()),
    });
    const now = clock.now() / 1000;
    expect(payload).toMatchObject({ iat: now, nbf: now, exp: now + 600 });
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('offers the older RS256 + SHA-1 x5t form', async () => {
    const certificate = parseCertificate(TEST_CERTIFICATE_PEM + TEST_PRIVATE_KEY_PEM);
    const jwt = await buildClientAssertion({
      clientId: 'app-1',
      audience: AUD,
      certificate,
      algorithm: 'RS256',
    });
    expect(decodeProtectedHeader(jwt)).toEqual({
      alg: 'RS256',
      typ: 'JWT',
      x5t: certificateThumbprints(TEST_CERTIFICATE_PEM).x5t,
    });
  });

  it('never echoes key material in errors or when inspected', async () => {
    // A key with a line cut out of its middle: well-formed PEM armour, broken DER inside.
    const lines = TEST_PRIVATE_KEY_PEM.split('\n');
    const broken = [...lines.slice(0, 8), ...lines.slice(9)].join('\n');
    let caught: unknown;
    try {
      parseCertificate(TEST_CERTIFICATE_PEM, broken);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PowerBIValidationError);
    const { inspect } = await import('node:util');
    const keyBody = TEST_PRIVATE_KEY_PEM.split('\n')[5]!;
    expect(inspect(caught)).not.toContain(keyBody);
    expect(JSON.stringify(caught)).not.toContain(keyBody);
    const credential = clientCertificateCredential({
      tenantId: 't',
      clientId: 'c',
      certificate: TEST_CERTIFICATE_PEM,
      privateKey: TEST_PRIVATE_KEY_PEM,
    });
    expect(inspect(credential, { depth: 10 })).not.toContain(keyBody);
    expect(JSON.stringify(credential)).not.toContain(keyBody);
  });
});
