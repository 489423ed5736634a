import { Cron } from 'croner';
import { SyncError } from '../errors/sync-error.js';
import type { Schedule } from '../definition/define-stream.js';

/** Cron patterns behind the schedule nicknames; evaluated in UTC unless a time zone is given. */
const NICKNAMES = { hourly: '0 * * * *', daily: '0 0 * * *', weekly: '0 0 * * 1' } as const;

/**
 * Compiles a {@link Schedule} into a function giving the next run time strictly after `from` (epoch ms), or
 * `undefined` for `'manual'`. Cron patterns are evaluated by croner in the schedule's time zone — never the
 * host's, which would make the same config run at different instants on different machines.
 */
export function compileSchedule(
  schedule: Schedule,
  stream: string,
): ((from: number) => number | undefined) | undefined {
  if (schedule === 'manual') return undefined;
  const pattern = typeof schedule === 'string' ? NICKNAMES[schedule] : schedule.cron;
  const timezone = typeof schedule === 'string' ? 'Etc/UTC' : (schedule.timezone ?? 'Etc/UTC');
  let cron: Cron;
  try {
    cron = new Cron(pattern, { timezone, paused: true });
  } catch (error) {
    throw new SyncError({
      code: 'SYNC_CONFIG_INVALID',
      stream,
      message: `stream ${stream}: invalid schedule ${JSON.stringify(schedule)}`,
      cause: error,
    });
  }
  return (from) => cron.nextRun(new Date(from))?.getTime();
}
