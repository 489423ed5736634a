import type { CommandContext, ExitCode } from '../commands/command-context.js';
import type { CheckStatus, DoctorCheck } from './doctor-check.js';
import { runDoctor } from './run-doctor.js';

const MARK: Record<CheckStatus, string> = { ok: '✔', fail: '✘', warn: '!', skip: '-' };
const SECTION_TITLES: Record<DoctorCheck['section'], string> = {
  config: 'Configuration',
  store: 'State store',
  'sage-x3': 'Sage X3',
  'power-bi': 'Entra ID and Power BI',
};

/**
 * `mlc doctor [--json] [--skip id]...`: every check with ✔ / ✘ / ! and a remedy, printed as it completes.
 * Exit 1 when a check failed.
 */
export async function doctorCommand(ctx: CommandContext): Promise<ExitCode> {
  let section: string | undefined;
  const print = (check: DoctorCheck) => {
    if (check.section !== section) {
      section = check.section;
      ctx.io.out(`\n${SECTION_TITLES[check.section]}`);
    }
    ctx.io.out(`  ${MARK[check.status]} ${check.title}${check.detail ? ` — ${check.detail}` : ''}`);
    if (check.remedy && (check.status === 'fail' || check.status === 'warn'))
      ctx.io.out(`      remedy: ${check.remedy}`);
  };
  const report = await runDoctor(ctx.config, {
    ...(ctx.flags.json ? {} : { onCheck: print }),
    ...(ctx.flags.skip ? { skip: ctx.flags.skip } : {}),
    now: ctx.now,
  });
  if (ctx.flags.json) ctx.io.out(JSON.stringify(report, null, 2));
  else {
    const { ok, fail, warn } = report.counts;
    ctx.io.out(`\n${report.ok ? '✔' : '✘'} ${ok} ok, ${fail} failed, ${warn} warning(s)`);
  }
  return report.ok ? 0 : 1;
}
