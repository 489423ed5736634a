import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CliError } from '../cli-error.js';
import type { MlcConfig, MlcConfigContext, MlcConfigExport } from './mlc-config.js';

/** File names searched in the working directory, in order. */
export const CONFIG_FILE_NAMES = ['mlc.config.ts', 'mlc.config.mts', 'mlc.config.mjs', 'mlc.config.js'];

/** Finds the config file: `explicit` when given (it must exist), else the first of {@link CONFIG_FILE_NAMES} in `cwd`. */
export function findConfigFile(cwd: string, explicit?: string): string {
  if (explicit !== undefined) {
    const file = resolve(cwd, explicit);
    if (!existsSync(file)) throw new CliError('CLI_CONFIG_NOT_FOUND', `config file ${file} does not exist`);
    return file;
  }
  for (const name of CONFIG_FILE_NAMES) {
    const file = resolve(cwd, name);
    if (existsSync(file)) return file;
  }
  throw new CliError(
    'CLI_CONFIG_NOT_FOUND',
    `no ${CONFIG_FILE_NAMES.join(', ')} in ${cwd}; create one or pass --config <file>`,
  );
}

async function importConfigModule(file: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(file).href;
  const typescript = /\.[cm]?ts$/.test(file);
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    if (!typescript || !isUnknownExtension(error)) throw error;
  }
  // A TypeScript config under plain Node: load it through tsx when it is installed.
  let tsImport: (specifier: string, parent: string) => Promise<unknown>;
  try {
    ({ tsImport } = (await import('tsx/esm/api')) as { tsImport: typeof tsImport });
  } catch {
    throw new CliError(
      'CLI_CONFIG_INVALID',
      `${file} is TypeScript: install tsx next to @mlc/cli (npm i -D tsx) or write mlc.config.mjs instead`,
    );
  }
  return (await tsImport(url, import.meta.url)) as Record<string, unknown>;
}

function isUnknownExtension(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === 'ERR_UNKNOWN_FILE_EXTENSION' || code === 'ERR_UNSUPPORTED_ESM_URL_SCHEME';
}

/**
 * Loads `mlc.config.{ts,mjs,js}`: its default export (or a named `config` export), called with the environment
 * when it is a function. Throws `CLI_CONFIG_NOT_FOUND` / `CLI_CONFIG_INVALID` naming the file.
 */
export async function loadConfig(options: {
  cwd: string;
  file?: string;
  context: MlcConfigContext;
}): Promise<{ file: string; config: MlcConfig }> {
  const file = findConfigFile(options.cwd, options.file);
  let module: Record<string, unknown>;
  try {
    module = await importConfigModule(file);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError('CLI_CONFIG_INVALID', `could not load ${file}: ${messageOf(error)}`, { cause: error });
  }
  const exported = (module.default ?? module.config) as MlcConfigExport | undefined;
  if (exported === undefined) {
    throw new CliError(
      'CLI_CONFIG_INVALID',
      `${file} has no default export (export default defineConfig(...))`,
    );
  }
  let config: MlcConfig;
  try {
    config = typeof exported === 'function' ? await exported(options.context) : exported;
  } catch (error) {
    throw new CliError('CLI_CONFIG_INVALID', `${file}: the config function threw: ${messageOf(error)}`, {
      cause: error,
    });
  }
  if (!config || typeof config !== 'object' || !config.store || !Array.isArray(config.streams)) {
    throw new CliError('CLI_CONFIG_INVALID', `${file}: the config needs at least \`store\` and \`streams\``);
  }
  return { file, config };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
