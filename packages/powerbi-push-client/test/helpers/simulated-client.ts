import type { Logger } from '@mlc/core';
import { type PowerBISimulator, type PowerBISimulatorOptions, startPowerBISimulator } from '@mlc/testkit';
import { IoDriver } from './io-driver.js';
import {
  type PowerBIClient,
  type PowerBIClientOptions,
  clientSecretCredential,
  createPowerBIClient,
  defineDataset,
} from '../../src/index.js';

/** The dataset most tests use: an Orders table with every data type. */
export const ordersSchema = defineDataset({
  name: 'Sales',
  tables: {
    Orders: {
      columns: {
        id: 'Int64',
        amount: 'Decimal',
        postedAt: 'DateTime',
        paid: 'Boolean',
        ratio: 'Double',
        status: 'String',
      },
    },
  },
});

/** Builds `count` valid order rows starting at id `from`. */
export function orderRows(count: number, from = 0) {
  return Array.from({ length: count }, (_, i) => ({
    id: from + i,
    amount: ((from + i) % 1000) / 4,
    postedAt: new Date(Date.UTC(2024, 0, 1, 0, 0, (from + i) % 86_400)),
    paid: i % 2 === 0,
    ratio: i / 7,
    status: i % 3 === 0 ? 'open' : 'closed',
  }));
}

/** A log sink that keeps every line as text, to prove secrets never reach logs. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const log =
    (level: string) =>
    (objectOrMessage: object | string, message?: string): void => {
      lines.push(
        `${level} ${typeof objectOrMessage === 'string' ? objectOrMessage : JSON.stringify(objectOrMessage)} ${message ?? ''}`,
      );
    };
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  return { logger, lines };
}

/**
 * A simulator and a client (secret credential of the simulator's first app and workspace) sharing one TestClock,
 * with an {@link IoDriver} to run calls: `await clock.run(client.…)`. A test's own `fetch` wrapper receives the
 * driver's fetch as its second argument.
 */
export async function startSimulatedClient(
  simulatorOptions: PowerBISimulatorOptions = {},
  clientOptions: Partial<PowerBIClientOptions> & { wrapFetch?: (next: typeof fetch) => typeof fetch } = {},
): Promise<{ sim: PowerBISimulator; clock: IoDriver; client: PowerBIClient; lines: string[] }> {
  const clock = new IoDriver();
  const sim = await startPowerBISimulator({ clock: clock.serverClock, ...simulatorOptions });
  const { logger, lines } = capturingLogger();
  const { wrapFetch, ...rest } = clientOptions;
  const client = createPowerBIClient({
    credential: clientSecretCredential({
      tenantId: sim.tenantId,
      clientId: sim.clientId,
      clientSecret: sim.clientSecret ?? '',
    }),
    groupId: sim.groupId,
    apiBase: sim.url,
    authorityHost: sim.authorityHost,
    clock: clock.clientClock,
    fetch: wrapFetch ? wrapFetch(clock.fetch) : clock.fetch,
    logger,
    ...rest,
  });
  return { sim, clock, client, lines };
}
