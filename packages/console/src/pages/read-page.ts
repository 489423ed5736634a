import { type AuditType, type DeadLetterStatus, readRecentRuns, searchAudit } from '@mlc/sync-engine';
import type { ConsoleSetup } from '../console-setup.js';
import type { IncomingConsoleRequest } from '../http/console-request.js';
import { HttpProblem } from '../http/http-problem.js';
import type { SafeHtml } from '../html/html.js';
import type { PageContext } from '../html/layout.js';
import { type AuditFilterForm, SINCE_CHOICES, auditPage } from './audit-page.js';
import { deadLetterPage, deadLettersPage } from './dead-letters-page.js';
import { overviewPage } from './overview-page.js';
import { runsPage } from './runs-page.js';

const DEAD_LETTER_STATUSES: ReadonlyArray<DeadLetterStatus | 'all'> = [
  'open',
  'replayed',
  'discarded',
  'all',
];

/**
 * Renders the read page at `path` (relative to the base path): the overview, runs, the audit trail, the dead
 * letters or one dead letter. Every value read is redacted; an unknown page is a 404 {@link HttpProblem}.
 */
export async function readPage(
  setup: ConsoleSetup,
  path: string,
  request: IncomingConsoleRequest,
  ctx: PageContext,
): Promise<SafeHtml> {
  const q = request.url.searchParams;
  await setup.open();
  if (path === '/' || path === '') return overview(setup, ctx);
  if (path === '/runs') return runs(setup, q, ctx);
  if (path === '/audit') return audit(setup, q, ctx);
  if (path === '/dead-letters') return deadLetters(setup, q, ctx);
  const letterId = /^\/dead-letters\/([^/]+)$/.exec(path)?.[1];
  if (letterId !== undefined) return deadLetter(setup, letterId, ctx);
  throw new HttpProblem(404, 'Not found', 'This console has no such page.');
}

async function overview(setup: ConsoleSetup, ctx: PageContext): Promise<SafeHtml> {
  const { sync, store, clean } = setup;
  const status = clean(await sync.status());
  const recent = new Map(
    await Promise.all(
      sync.streams.map(
        async (s) => [s, clean(await readRecentRuns(store, { streams: [s], limit: 12 }))] as const,
      ),
    ),
  );
  return overviewPage(ctx, status, recent);
}

async function runs(setup: ConsoleSetup, q: URLSearchParams, ctx: PageContext): Promise<SafeHtml> {
  const stream = setup.streamParam(q.get('stream'));
  const found = setup.clean(
    await readRecentRuns(setup.store, { limit: 50, ...(stream ? { streams: [stream] } : {}) }),
  );
  return runsPage(ctx, found, { streams: setup.sync.streams, ...(stream ? { stream } : {}) });
}

async function audit(setup: ConsoleSetup, q: URLSearchParams, ctx: PageContext): Promise<SafeHtml> {
  const form: AuditFilterForm = {};
  for (const name of ['stream', 'type', 'since', 'batch', 'key', 'limit'] as const) {
    const value = q.get(name)?.trim();
    if (value) form[name] = value.slice(0, 200);
  }
  const stream = setup.streamParam(form.stream ?? null);
  const limit = Math.min(1000, Math.max(1, Number.parseInt(form.limit ?? '100', 10) || 100));
  const sinceMs = SINCE_CHOICES.find(([v]) => v === form.since)?.[2] ?? 0;
  const types = (form.type ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean) as AuditType[];
  const entries = setup.clean(
    await searchAudit(setup.store, {
      limit,
      ...(stream ? { streams: [stream] } : {}),
      ...(types.length > 0 ? { types } : {}),
      ...(sinceMs > 0 ? { since: ctx.now - sinceMs } : {}),
      ...(form.batch ? { batchId: form.batch } : {}),
      ...(form.key ? { key: form.key } : {}),
    }),
  );
  return auditPage(ctx, entries, { streams: setup.sync.streams, form, limit });
}

async function deadLetters(setup: ConsoleSetup, q: URLSearchParams, ctx: PageContext): Promise<SafeHtml> {
  const stream = setup.streamParam(q.get('stream'));
  const wanted = q.get('status') ?? 'open';
  const status = DEAD_LETTER_STATUSES.find((s) => s === wanted) ?? 'open';
  const letters = setup.clean(
    await setup.sync.deadLetters({
      limit: 200,
      ...(status === 'all' ? {} : { status: [status] }),
      ...(stream ? { stream } : {}),
    }),
  );
  letters.sort((a, b) => b.createdAt - a.createdAt);
  return deadLettersPage(ctx, letters, {
    streams: setup.sync.streams,
    status,
    ...(stream ? { stream } : {}),
  });
}

async function deadLetter(setup: ConsoleSetup, letterId: string, ctx: PageContext): Promise<SafeHtml> {
  let id: string;
  try {
    id = decodeURIComponent(letterId);
  } catch {
    throw new HttpProblem(404, 'Not found', 'No such dead letter.');
  }
  const [letter] = await setup.sync.deadLetters({ ids: [id], limit: 1 });
  if (!letter) throw new HttpProblem(404, 'Not found', `No dead letter ${id}.`);
  return deadLetterPage(ctx, setup.clean(letter));
}
