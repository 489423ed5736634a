import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type Loop, startLoop } from './e2e-helpers.js';

let loop: Loop | undefined;
afterEach(async () => {
  await loop?.close();
  loop = undefined;
});

describe('e2e: secrets never reach logs, events or the audit trail', () => {
  it('a run with faults and failures logs through pino without the X3 password or the Power BI secret', async () => {
    loop = await startLoop({
      streams: {
        glAccounts: false,
        suppliers: false,
        purchaseOrders: false,
        salesInvoices: false,
        products: false,
      },
    });
    const l = loop;
    const lines: string[] = [];
    const logger = pino(
      { level: 'debug' },
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    l.pbisim.control.addFault({ kind: 'drop-after', routes: ['postRows'], times: 1 });
    l.pbisim.control.addFault({ kind: 'status', routes: ['executeQueries'], status: 500, times: 1 });
    const sync = l.sync({ logger });
    const events: unknown[] = [];
    for (const name of ['batch-posted', 'batch-verified', 'run-failed', 'alert', 'audit'] as const)
      sync.on(name, (e) => events.push(e));
    await l.clock.run(sync.run());
    // A failing run too: the Power BI app loses its workspace membership.
    l.pbisim.control.removeMember(l.pbisim.groupId, l.pbisim.clientId);
    l.x3sim.control.insert('journalEntry', {});
    await l.clock.advance(120_000);
    const [failed] = await l.clock.run(l.sync({ logger }).run());
    expect(failed).toHaveProperty('error');
    const everything = [
      lines.join(''),
      JSON.stringify(events, (_k, v) =>
        v instanceof Error ? { ...v, message: v.message, stack: v.stack } : v,
      ),
      JSON.stringify(await sync.auditLog({ limit: 10_000 })),
    ].join('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const secret of [l.x3sim.credentials.basic.password, l.pbisim.clientSecret ?? '<none>']) {
      expect(secret.length).toBeGreaterThan(3);
      expect(everything).not.toContain(secret);
    }
  }, 60_000);
});
