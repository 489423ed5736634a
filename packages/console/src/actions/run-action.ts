import type { ConsoleSetup } from '../console-setup.js';
import { HttpProblem } from '../http/http-problem.js';
import { type SafeHtml, html } from '../html/html.js';
import type { PageContext } from '../html/layout.js';
import { messagePage } from '../pages/message-page.js';

/**
 * Performs the action at `path` (relative to the base path) with the posted `form`: replay or discard a dead
 * letter, or start a run of a stream now. Returns the page saying how it went; an unknown action is a 404
 * {@link HttpProblem}. The caller has checked the request's right to act and its CSRF token.
 */
export async function runAction(
  setup: ConsoleSetup,
  path: string,
  form: URLSearchParams,
  ctx: PageContext,
): Promise<SafeHtml> {
  const field = (name: string) => form.get(name)?.trim() ?? '';
  if (path === '/actions/replay') return replay(setup, field('id'), field('force') === '1', ctx);
  if (path === '/actions/discard') return discard(setup, field('id'), field('reason'), ctx);
  if (path === '/actions/run') return runNow(setup, field('stream'), ctx);
  throw new HttpProblem(404, 'Not found', 'This console has no such action.');
}

async function replay(setup: ConsoleSetup, id: string, force: boolean, ctx: PageContext): Promise<SafeHtml> {
  if (!id) throw new HttpProblem(400, 'Bad request', 'Name the dead letter to replay.');
  const result = setup.clean(await setup.sync.replay({ ids: [id], force }));
  const refused = result.refused.map((r) => html`<li><code>${r.id}</code>: ${r.reason}</li>`);
  return messagePage(ctx, {
    title: 'Replay',
    kind: result.replayed.length > 0 ? 'ok' : 'error',
    message:
      result.replayed.length > 0
        ? html`Replayed dead letter <code>${result.replayed.join(', ')}</code>: ${result.rowsPosted} row(s) posted.`
        : html`Dead letter <code>${id}</code> was not replayed.`,
    ...(refused.length > 0 ? { details: html`<ul>${refused}</ul>` } : {}),
    back: '/dead-letters',
  });
}

async function discard(
  setup: ConsoleSetup,
  id: string,
  reasonField: string,
  ctx: PageContext,
): Promise<SafeHtml> {
  if (!id) throw new HttpProblem(400, 'Bad request', 'Name the dead letter to discard.');
  const reason = reasonField.slice(0, 500);
  const done = await setup.sync.discard([id], reason ? { reason: `${reason} (operator console)` } : {});
  return messagePage(ctx, {
    title: 'Discard',
    kind: done.includes(id) ? 'ok' : 'error',
    message: done.includes(id)
      ? html`Discarded dead letter <code>${id}</code>.`
      : html`Dead letter <code>${id}</code> is unknown or not open.`,
    back: '/dead-letters',
  });
}

function runNow(setup: ConsoleSetup, streamField: string, ctx: PageContext): SafeHtml {
  const stream = setup.streamParam(streamField);
  if (!stream) throw new HttpProblem(400, 'Bad request', 'Name a stream of this sync to run.');
  if (setup.sync.isRunning(stream)) {
    return messagePage(ctx, {
      title: 'Run now',
      kind: 'error',
      message: html`Stream ${stream} is already running.`,
    });
  }
  // The run goes on after the answer; its outcome is in the audit trail and on the overview.
  void setup.sync.runStream(stream).catch(() => undefined);
  return messagePage(ctx, {
    title: 'Run now',
    kind: 'ok',
    message: html`Started a run of stream ${stream}; the overview shows how it ends.`,
  });
}
