import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SyncError } from '../errors/sync-error.js';

/** A 32-byte key: raw bytes, or a base64 / hex string of 32 bytes. */
export type SecretKey = Uint8Array | string;

const VERSION = 'v1';

/**
 * Encrypts secret slots with AES-256-GCM before they reach the state store: the store only ever holds
 * `v1.<iv>.<tag>.<ciphertext>` (base64url). The slot name is authenticated data, so a ciphertext copied into
 * another slot does not decrypt.
 */
export class SecretBox {
  readonly #key: Buffer;

  /** @param key 32 bytes (raw, base64 or hex). */
  constructor(key: SecretKey) {
    this.#key = toKey(key);
  }

  /** Encrypts `plaintext` for slot `name`. */
  encrypt(name: string, plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(name, 'utf8'));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, iv.toString('base64url'), tag.toString('base64url'), ct.toString('base64url')].join('.');
  }

  /** Decrypts a value written by {@link SecretBox.encrypt} for slot `name`; throws `SYNC_SECRET_INVALID` otherwise. */
  decrypt(name: string, sealed: string): string {
    const parts = sealed.split('.');
    if (parts.length !== 4 || parts[0] !== VERSION) {
      throw new SyncError({ code: 'SYNC_SECRET_INVALID', message: `secret slot ${name}: unknown format` });
    }
    try {
      const decipher = createDecipheriv(
        'aes-256-gcm',
        this.#key,
        Buffer.from(parts[1] as string, 'base64url'),
      );
      decipher.setAAD(Buffer.from(name, 'utf8'));
      decipher.setAuthTag(Buffer.from(parts[2] as string, 'base64url'));
      return Buffer.concat([
        decipher.update(Buffer.from(parts[3] as string, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      // The cause is dropped on purpose: it adds nothing and must never carry key material.
      throw new SyncError({
        code: 'SYNC_SECRET_INVALID',
        message: `secret slot ${name}: cannot decrypt (wrong key or tampered data)`,
      });
    }
  }
}

function toKey(key: SecretKey): Buffer {
  let buf: Buffer | undefined;
  if (typeof key !== 'string') buf = Buffer.from(key);
  else if (/^[0-9a-f]{64}$/i.test(key)) buf = Buffer.from(key, 'hex');
  else buf = Buffer.from(key, 'base64');
  if (buf.length !== 32) {
    throw new SyncError({
      code: 'SYNC_CONFIG_INVALID',
      message: 'secret key must be 32 bytes (raw, base64 or hex)',
    });
  }
  return buf;
}
