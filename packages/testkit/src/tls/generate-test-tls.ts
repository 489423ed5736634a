import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

/** A generated CA and a server certificate it signed, all PEM. Test material: never use it for anything real. */
export interface TestTls {
  /** The CA certificate: give it to clients as `ca`, or write it to a file named by `NODE_EXTRA_CA_CERTS`. */
  caCertificatePem: string;
  /** The server certificate (signed by the CA) for the simulator's host names and addresses. */
  certificatePem: string;
  /** The server's private key (PKCS#8). */
  privateKeyPem: string;
}

/** Options of {@link generateTestTls}. */
export interface GenerateTestTlsOptions {
  /** Host names and IP addresses the server certificate covers. @default ['localhost', '127.0.0.1', '::1'] */
  hosts?: readonly string[];
  /** Validity in days from now (wall clock: TLS checks real time, not a test clock). @default 30 */
  days?: number;
}

function rsaKeys(): { privateKeyPem: string; publicKeyPem: string } {
  // Node generates the keys (fast, native); node-forge only assembles and signs the certificates (pure JS).
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

function serial(): string {
  // Positive, 16 bytes: the high bit cleared so the DER integer is not negative.
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] as number) & 0x7f;
  return bytes.toString('hex');
}

/**
 * Generates a throwaway certificate authority and a server certificate it signed, for serving the simulators over
 * HTTPS on loopback without `openssl`. Pure JavaScript (node-forge) plus Node's own key generation.
 */
export function generateTestTls(options: GenerateTestTlsOptions = {}): TestTls {
  const hosts = options.hosts ?? ['localhost', '127.0.0.1', '::1'];
  const days = options.days ?? 30;
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + days * 86_400_000);

  const caKeys = rsaKeys();
  const caKey = forge.pki.privateKeyFromPem(caKeys.privateKeyPem);
  const ca = forge.pki.createCertificate();
  ca.publicKey = forge.pki.publicKeyFromPem(caKeys.publicKeyPem);
  ca.serialNumber = serial();
  ca.validity.notBefore = notBefore;
  ca.validity.notAfter = notAfter;
  const caName = [{ name: 'commonName', value: 'mlc-testkit test CA' }];
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKey, forge.md.sha256.create());

  const serverKeys = rsaKeys();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(serverKeys.publicKeyPem);
  cert.serialNumber = serial();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject([{ name: 'commonName', value: hosts[0] ?? 'localhost' }]);
  cert.setIssuer(caName);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: hosts.map((host) => (isIP(host) ? { type: 7, ip: host } : { type: 2, value: host })),
    },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, forge.md.sha256.create());

  return {
    caCertificatePem: forge.pki.certificateToPem(ca),
    certificatePem: forge.pki.certificateToPem(cert),
    privateKeyPem: serverKeys.privateKeyPem,
  };
}
