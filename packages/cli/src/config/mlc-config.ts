import type { PowerBIClientOptions } from '@mlc/powerbi-push-client';
import type { X3ClientOptions } from '@mlc/sage-x3-client';
import type { SyncOptions } from '@mlc/sync-engine';

/** What `mlc doctor` checks besides the store: the options the clients of the sync were built with. */
export interface MlcDoctorTargets {
  /** The Sage X3 client options (server, endpoint folder, auth mode, TLS). */
  x3?: X3ClientOptions;
  /**
   * X3 entities whose class (REST) or node (GraphQL) must be readable with an update stamp.
   * @default the entities of the six ready-made streams that the client knows
   */
  x3Entities?: string[];
  /** The Power BI client options (Entra credential, workspace, API base). */
  powerbi?: PowerBIClientOptions;
  /** Name of the push dataset the sink writes to (checked to exist or to be creatable). */
  dataset?: string;
  /** Tables of the dataset whose row counts are checked against the 5M-row cap. @default the streams' tables */
  tables?: string[];
}

/**
 * The contents of `mlc.config.{ts,mjs,js}`: the options of `createSync` (store, sink, streams, ...) plus what
 * `mlc doctor` checks. Read secrets from environment variables in the file; never write them into it.
 */
export interface MlcConfig extends SyncOptions {
  /** What `mlc doctor` checks. Without it, doctor checks the state store only. */
  doctor?: MlcDoctorTargets;
  /**
   * Extra strings the CLI must never print (it already hides the values of environment variables whose names
   * contain SECRET, PASSWORD, TOKEN, KEY or CREDENTIAL).
   */
  secrets?: string[];
}

/** What a config function receives. */
export interface MlcConfigContext {
  /** The environment (`process.env`). */
  env: NodeJS.ProcessEnv;
  /** The command being run (`status`, `doctor`, ...). */
  command: string;
}

/** A config file's default export: the config, or a function (sync or async) returning it. */
export type MlcConfigExport = MlcConfig | ((context: MlcConfigContext) => MlcConfig | Promise<MlcConfig>);

/**
 * Identity helper that types an `mlc.config` file's default export.
 *
 * @example
 * // mlc.config.ts
 * import { defineConfig } from '@mlc/cli';
 * export default defineConfig(({ env }) => ({ store, sink, streams, doctor: { x3: x3Options } }));
 */
export function defineConfig(config: MlcConfigExport): MlcConfigExport {
  return config;
}
