import type { ResolvedStream } from '../engine/engine-context.js';
import { contentHash } from './content-hash.js';

/** The version part of each stream's ledger fingerprints, computed once per resolved stream. */
const versionParts = new WeakMap<ResolvedStream, string>();

/**
 * The ledger fingerprint of a record: the source's fingerprint of its raw content, keyed by what turns a record into
 * rows on this side (the stream's declared or derived version, its posted table, mode, batch size and decimal
 * rounding). A record whose ledger entry holds the same fingerprint was decided from the same raw content by the same
 * definition, so it is unchanged without being mapped, checked or hashed; any change of the definition changes
 * every fingerprint, so each record takes the full path once again (and gets the new fingerprint).
 */
export function ledgerFingerprint(stream: ResolvedStream, sourceFingerprint: string): string {
  let versionPart = versionParts.get(stream);
  if (versionPart === undefined) {
    const definition = {
      version: stream.version,
      table: stream.table,
      mode: stream.mode,
      batchSize: stream.batchSize,
      decimalRounding: stream.decimalRounding ?? null,
    };
    versionPart = `${contentHash(definition).slice(0, 8)}.`;
    versionParts.set(stream, versionPart);
  }
  return versionPart + sourceFingerprint;
}
