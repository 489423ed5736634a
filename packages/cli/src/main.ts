import { parseArgs } from 'node:util';
import { type Sync, createSync } from '@mlc/sync-engine';
import { CliError } from './cli-error.js';
import { auditCommand } from './commands/audit-command.js';
import type { CliFlags, CommandContext, ExitCode } from './commands/command-context.js';
import { deadLettersCommand } from './commands/dead-letters-command.js';
import { runCommand, startCommand } from './commands/run-command.js';
import { runsCommand } from './commands/runs-command.js';
import { statusCommand } from './commands/status-command.js';
import { loadConfig } from './config/load-config.js';
import type { MlcConfig } from './config/mlc-config.js';
import { doctorCommand } from './doctor/doctor-command.js';
import { type CliIO, processIO } from './output/cli-io.js';
import { SecretFilter } from './output/secret-filter.js';

/** `mlc --help`. */
export const USAGE = `Usage: mlc <command> [options]

Commands:
  doctor                        check every connection and permission, step by step, with remedies
  status                        streams: cursor and lag, last run, next run, intents, parked records, alerts
  runs                          the latest runs, newest first
  audit                         the audit trail (--stream, --type, --since 2h|ISO, --batch, --key, --limit)
  dead-letters list             parked records and batches (--stream, --status open|replayed|discarded|all)
  dead-letters show <id>        one parked record or batch with its reason and raw record
  dead-letters replay [<id>...] replay after a fix (--stream to replay all of a stream, --force for partial batches)
  dead-letters discard <id>...  close parked records that need no replay (--reason)
  run [--stream s]              run the streams (or one) once, with live progress
  start                         follow the schedules until SIGTERM / Ctrl-C

Options:
  --config <file>   mlc.config.{ts,mjs,js} to use (default: the one in the current directory)
  --json            machine-readable output (one JSON document, or one JSON line per event)
  --help            this text

Exit codes: 0 ok, 1 something is wrong (a failed run, a doctor finding), 2 usage or configuration error.`;

const OPTIONS = {
  config: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  stream: { type: 'string', multiple: true },
  type: { type: 'string', multiple: true },
  since: { type: 'string' },
  batch: { type: 'string' },
  key: { type: 'string' },
  limit: { type: 'string' },
  status: { type: 'string' },
  force: { type: 'boolean' },
  reason: { type: 'string' },
  timeout: { type: 'string' },
  skip: { type: 'string', multiple: true },
} as const;

const COMMANDS = ['doctor', 'status', 'runs', 'audit', 'dead-letters', 'run', 'start'];

/** Options of {@link main}. */
export interface MainOptions {
  /** Working directory (config lookup). @default process.cwd() */
  cwd?: string;
  /** Environment. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Output; built over stdout/stderr with the secret filter when absent. */
  io?: CliIO;
}

/**
 * Runs `mlc` with `argv` (without `node` and the script) and resolves to the exit code. Never throws: usage and
 * configuration errors print one line and resolve to 2.
 */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<ExitCode> {
  const env = options.env ?? process.env;
  let io = options.io ?? processIO(SecretFilter.fromEnv(env));
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    io.err(`mlc: ${(error as Error).message}`);
    io.err('run mlc --help for usage');
    return 2;
  }
  const [command, ...rest] = parsed.positionals;
  if (parsed.values.help || !command) {
    io.out(USAGE);
    return parsed.values.help ? 0 : 2;
  }
  if (!COMMANDS.includes(command)) {
    io.err(`mlc: unknown command ${command}; run mlc --help for usage`);
    return 2;
  }
  const flags = parsed.values as CliFlags;
  let sync: Sync | undefined;
  let config: MlcConfig | undefined;
  try {
    const loaded = await loadConfig({
      cwd: options.cwd ?? process.cwd(),
      ...(flags.config !== undefined ? { file: flags.config } : {}),
      context: { env, command },
    });
    config = loaded.config;
    if (!options.io && config.secrets?.length) io = processIO(SecretFilter.fromEnv(env, config.secrets));
    const sub = command === 'dead-letters' ? rest[0] : undefined;
    const ctx: CommandContext = {
      io,
      config,
      flags,
      args: command === 'dead-letters' ? rest.slice(1) : rest,
      now: () => Date.now(),
      sync: () => {
        sync ??= createSync(loaded.config);
        return sync;
      },
    };
    switch (command) {
      case 'doctor':
        return await doctorCommand(ctx);
      case 'status':
        return await statusCommand(ctx);
      case 'runs':
        return await runsCommand(ctx);
      case 'audit':
        return await auditCommand(ctx);
      case 'dead-letters':
        return await deadLettersCommand(ctx, sub);
      case 'run':
        return await runCommand(ctx);
      default:
        return await startCommand(ctx);
    }
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`mlc: ${error.message}`);
      return 2;
    }
    const e = error as { code?: unknown; message?: unknown };
    io.err(
      `mlc ${command} failed: ${typeof e?.code === 'string' ? `${e.code}: ` : ''}${String(e?.message ?? error)}`,
    );
    return 1;
  } finally {
    if (sync) await sync.close().catch(() => undefined);
    else await config?.store.close().catch(() => undefined);
  }
}
