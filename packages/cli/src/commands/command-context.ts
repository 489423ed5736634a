import type { Sync } from '@mlc/sync-engine';
import type { MlcConfig } from '../config/mlc-config.js';
import type { CliIO } from '../output/cli-io.js';

/** Parsed flags of every command (each command reads the ones it knows). */
export interface CliFlags {
  config?: string;
  json?: boolean;
  stream?: string[];
  type?: string[];
  since?: string;
  batch?: string;
  key?: string;
  limit?: string;
  status?: string;
  force?: boolean;
  reason?: string;
  timeout?: string;
  skip?: string[];
}

/** What a command runs with. */
export interface CommandContext {
  /** Output. */
  io: CliIO;
  /** The loaded config. */
  config: MlcConfig;
  /** A sync over the config (created lazily: doctor must diagnose even a config createSync refuses). */
  sync(): Sync;
  /** Flags. */
  flags: CliFlags;
  /** Positionals after the command (and sub-command). */
  args: string[];
  /** Now, epoch ms. */
  now(): number;
}

/** A command's exit code: 0 success, 1 something is wrong (failed run, doctor finding), 2 usage. */
export type ExitCode = 0 | 1 | 2;

/** `--limit` as a positive integer, or the default. */
export function limitOf(flags: CliFlags, fallback: number): number {
  if (flags.limit === undefined) return fallback;
  const n = Number(flags.limit);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}
