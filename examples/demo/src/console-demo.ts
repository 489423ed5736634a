/**
 * `npm run demo -- --console`: the demo's sync with the operator console mounted in a plain Node service, kept up
 * until Ctrl-C. It loads the six streams, then plants a dead letter: a sales invoice whose customer is hostile markup
 * (with a right-to-left override and a zero-width space) is added in Sage X3 while Power BI refuses the next POST to
 * the SalesInvoiceLines table, so its batch is parked. Open the console, sign in as the operator, and replay it.
 */
import { randomBytes } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createConsole } from '@mlc/console';
import { SALES_INVOICE_LINES_TABLE } from '@mlc/sync-engine/sage-x3';
import { startDemoWorld } from './demo-world.js';

/** The planted invoice's customer: markup, quotes, a bidi override and a zero-width space, all shown as text. */
export const HOSTILE_CUSTOMER =
  '<script>window.__mlcPwned=1</script>"\'><img src=x onerror="window.__mlcPwned=2">\u202Eexe.gpj Traders a\u200Bb';

const say = (text: string) => console.log(text);

function cookieOf(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body = ''): void {
  res.writeHead(status, headers);
  res.end(body);
}

/** Runs the console demo on 127.0.0.1:`port` (0: any free port) until SIGINT or SIGTERM. */
export async function runConsoleDemo(options: { port: number }): Promise<void> {
  say('Starting the Sage X3 and Power BI simulators on 127.0.0.1 ...');
  const world = await startDemoWorld({ safetyLagMs: 1_000 });
  const { x3sim, pbisim, sync, store } = world;
  try {
    say('Initial load of the six streams ...');
    for (const result of await sync.run()) {
      if ('error' in result) throw result.error;
      say(`  ${result.stream.padEnd(16)} ${String(result.rowsPosted).padStart(6)} rows posted`);
    }

    say(
      'Planting a dead letter: a sales invoice with a hostile customer, and Power BI refuses its batch once ...',
    );
    const planted = x3sim.control.insert('salesInvoice', { values: { billToCustomer: HOSTILE_CUSTOMER } });
    pbisim.control.addFault({
      kind: 'status',
      status: 400,
      routes: ['postRows'],
      table: SALES_INVOICE_LINES_TABLE.name,
      times: 1,
    });
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // past the safety lag, so the change is read
    await sync.runStream('salesInvoices').catch((error: unknown) => {
      say(`  salesInvoices run failed as planned: ${(error as { code?: string }).code ?? error}`);
    });
    const [letter] = await sync.deadLetters({ stream: 'salesInvoices', status: ['open'] });
    if (!letter) throw new Error('the planted dead letter is missing');
    say(
      `  parked: dead letter ${letter.id} (sales invoice ${planted.key}, ${letter.rows?.length ?? 0} lines)`,
    );

    // The host's own authentication, in miniature: a sign-in link sets a session cookie; only it may act.
    const session = randomBytes(18).toString('base64url');
    const ops = createConsole({
      sync,
      store,
      basePath: '/console',
      title: 'Sage X3 → Power BI demo',
      secrets: world.secrets,
      authorize: (request) => {
        const cookie = request.headers.get('cookie') ?? '';
        return cookie.split(';').some((c) => c.trim() === `demo_session=${session}`);
      },
    });
    const rowsInPowerBI = () => {
      const dataset = pbisim.control.datasets()[0];
      if (!dataset) return 0;
      return pbisim.control
        .rows(dataset.id, SALES_INVOICE_LINES_TABLE.name)
        .filter((r) => r.invoiceKey === planted.key).length;
    };
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/console' || path?.startsWith('/console/')) return void ops.node(req, res);
      if (path === '/') return send(res, 303, { location: '/console/' });
      if (path === '/demo/sign-in')
        return send(res, 303, {
          location: '/console/',
          'set-cookie': `demo_session=${session}; Path=/; HttpOnly; SameSite=Strict`,
        });
      if (path === '/demo/sign-out')
        return send(res, 303, {
          location: '/console/',
          'set-cookie': 'demo_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0',
        });
      if (path === '/demo/planted') {
        const body = JSON.stringify({
          stream: 'salesInvoices',
          table: SALES_INVOICE_LINES_TABLE.name,
          key: planted.key,
          deadLetterId: letter.id,
          lines: letter.rows?.length ?? 0,
          rowsInPowerBI: rowsInPowerBI(),
          signedIn: cookieOf(req, 'demo_session') === session,
        });
        return send(res, 200, { 'content-type': 'application/json' }, body);
      }
      send(res, 404, { 'content-type': 'text/plain' }, 'not found');
    });
    await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    say('');
    say(`Console (read-only): ${origin}/console/`);
    say(`Sign in as the operator (replay, discard, run now): ${origin}/demo/sign-in`);
    say('Ctrl-C stops the demo.');
    // Ctrl-C may arrive twice (from the terminal and from `npm run demo`): the handlers stay until the end.
    await new Promise<void>((resolve) => {
      process.on('SIGINT', () => resolve());
      process.on('SIGTERM', () => resolve());
    });
    say('Stopping ...');
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  } finally {
    await world.close();
  }
}
