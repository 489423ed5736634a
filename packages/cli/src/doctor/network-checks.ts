import { lookup } from 'node:dns/promises';
import { isIP, connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { TlsOptions } from '@mlc/core';
import type { CheckLog, DoctorCheck } from './doctor-check.js';

const TIMEOUT_MS = 8_000;
const DAY_MS = 86_400_000;

/** TLS error codes whose fix is trusting the server's CA. */
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
]);

function proxyNote(env: NodeJS.ProcessEnv): string {
  const proxy = env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy;
  return proxy
    ? ' A proxy is set in the environment (HTTPS_PROXY): Node does not use it by itself, so the host must be reachable directly, or pass a fetch that goes through the proxy.'
    : '';
}

function timeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            Object.assign(new Error(`${what} timed out after ${TIMEOUT_MS / 1000} s`), { code: 'ETIMEDOUT' }),
          ),
        TIMEOUT_MS,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

function tcp(host: string, port: number): Promise<void> {
  return timeout(
    new Promise<void>((resolve, reject) => {
      const socket = netConnect({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', reject);
    }),
    `TCP connection to ${host}:${port}`,
  );
}

function tlsHandshake(
  host: string,
  port: number,
  tls: TlsOptions | undefined,
): Promise<{ validTo: number; subject: string }> {
  return timeout(
    new Promise((resolve, reject) => {
      const socket = tlsConnect({
        host,
        port,
        ...(isIP(host) ? {} : { servername: host }),
        ...(tls?.ca !== undefined ? { ca: tls.ca } : {}),
        ...(tls?.cert !== undefined ? { cert: tls.cert } : {}),
        ...(tls?.key !== undefined ? { key: tls.key } : {}),
        rejectUnauthorized: tls?.rejectUnauthorized ?? true,
      });
      socket.once('secureConnect', () => {
        const cert = socket.getPeerCertificate();
        socket.destroy();
        resolve({ validTo: Date.parse(cert.valid_to ?? ''), subject: String(cert.subject?.CN ?? host) });
      });
      socket.once('error', reject);
    }),
    `TLS handshake with ${host}:${port}`,
  );
}

/** What {@link checkHost} checks. */
export interface HostCheckOptions {
  /** Id prefix of the checks (`<id>.dns`, `<id>.tcp`, `<id>.tls`). */
  id: string;
  /** Their doctor section. */
  section: DoctorCheck['section'];
  /** The system, in titles. */
  label: string;
  /** The URL whose host is checked. */
  url: string;
  /** TLS options of the client (a company CA, mutual TLS). */
  tls?: TlsOptions;
  /** The environment (a proxy set there is named in remedies). */
  env: NodeJS.ProcessEnv;
  /** Now (epoch ms), for the certificate's days left. */
  now: number;
}

/** A host to check, once its URL is parsed. */
interface Target {
  host: string;
  port: number;
  /** `host:port`. */
  where: string;
}

/**
 * DNS, TCP and (for https) TLS to the host of `url`, one check each; later steps are skipped once one fails.
 * Returns true when the host is reachable.
 */
export async function checkHost(log: CheckLog, options: HostCheckOptions): Promise<boolean> {
  const { id, section, label } = options;
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    log.add({
      id: `${id}.url`,
      section,
      title: `${label} URL`,
      status: 'fail',
      detail: `not a URL: ${options.url}`,
      remedy: 'Give the full URL, e.g. https://x3.example.com:8124.',
    });
    return false;
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const https = url.protocol === 'https:';
  const port = Number(url.port || (https ? 443 : 80));
  const target: Target = { host, port, where: `${host}:${port}` };
  if (!(await checkDns(log, options, target))) return false;
  if (!(await checkTcp(log, options, target))) return false;
  if (!https) {
    log.add({
      id: `${id}.tls`,
      section,
      title: `${label}: TLS`,
      status: 'warn',
      detail: `${url.origin} is plain http: credentials travel unencrypted`,
      remedy: 'Use https for anything but a local test server.',
    });
    return true;
  }
  return checkTls(log, options, target);
}

/** The host resolves (an IP address needs no lookup). */
async function checkDns(log: CheckLog, options: HostCheckOptions, { host }: Target): Promise<boolean> {
  const { id, section, label } = options;
  if (isIP(host)) {
    log.add({
      id: `${id}.dns`,
      section,
      title: `${label}: DNS`,
      status: 'ok',
      detail: `${host} is an IP address`,
    });
    return true;
  }
  try {
    const addresses = await timeout(lookup(host, { all: true }), `DNS lookup of ${host}`);
    log.add({
      id: `${id}.dns`,
      section,
      title: `${label}: DNS resolves ${host}`,
      status: 'ok',
      detail: addresses.map((a) => a.address).join(', '),
    });
    return true;
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'DNS_ERROR';
    log.add({
      id: `${id}.dns`,
      section,
      title: `${label}: DNS resolves ${host}`,
      status: 'fail',
      detail: `${code}: ${host} does not resolve`,
      remedy: `Check the host name in the URL (typo, internal name needing the company DNS or VPN).${proxyNote(options.env)}`,
      data: { host, code },
    });
    return false;
  }
}

/** Something accepts TCP connections at the host's port. */
async function checkTcp(
  log: CheckLog,
  options: HostCheckOptions,
  { host, port, where }: Target,
): Promise<boolean> {
  const { id, section, label } = options;
  try {
    await tcp(host, port);
    log.add({ id: `${id}.tcp`, section, title: `${label}: TCP connects to ${where}`, status: 'ok' });
    return true;
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'CONNECT_ERROR';
    log.add({
      id: `${id}.tcp`,
      section,
      title: `${label}: TCP connects to ${where}`,
      status: 'fail',
      detail: `${code}: nothing accepts connections at ${where}`,
      remedy:
        code === 'ECONNREFUSED'
          ? `Nothing listens on ${where}: check the port in the URL and that the server is running.${proxyNote(options.env)}`
          : `The host does not answer: check firewalls, VPN and the port.${proxyNote(options.env)}`,
      data: { host, port, code },
    });
    return false;
  }
}

/** The server's certificate is trusted (a warning when it expires within two weeks). */
async function checkTls(log: CheckLog, options: HostCheckOptions, { host, port }: Target): Promise<boolean> {
  const { id, section, label } = options;
  try {
    const cert = await tlsHandshake(host, port, options.tls);
    const daysLeft = Math.floor((cert.validTo - options.now) / DAY_MS);
    log.add({
      id: `${id}.tls`,
      section,
      title: `${label}: TLS certificate of ${host} is trusted`,
      status: Number.isFinite(daysLeft) && daysLeft < 14 ? 'warn' : 'ok',
      detail: Number.isFinite(daysLeft) ? `valid for ${daysLeft} more days` : 'trusted',
      ...(Number.isFinite(daysLeft) && daysLeft < 14
        ? { remedy: 'The server certificate expires soon; tell its administrator.' }
        : {}),
    });
    return true;
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'TLS_ERROR';
    log.add({
      id: `${id}.tls`,
      section,
      title: `${label}: TLS certificate of ${host} is trusted`,
      status: 'fail',
      detail: `${code}: ${(error as Error).message}`,
      remedy: UNTRUSTED.has(code)
        ? 'The certificate is signed by a CA this machine does not trust (a company CA?): pass its PEM as `tls.ca` in the client options, or set NODE_EXTRA_CA_CERTS.'
        : code === 'CERT_HAS_EXPIRED'
          ? 'The server certificate has expired; its administrator must renew it.'
          : code === 'ERR_TLS_CERT_ALTNAME_INVALID'
            ? 'The certificate does not name this host: use the host name the certificate was issued for.'
            : 'Check the TLS set-up of the server (and `tls` options: ca, cert, key for mutual TLS).',
      data: { host, port, code },
    });
    return false;
  }
}
