/**
 * Pushes rows into a Power BI push dataset — here a simulated one started in-process, so the example runs offline.
 * Against the real service, drop the simulator and pass your tenant id, client id, secret and workspace id (and
 * leave apiBase/authorityHost at their defaults).
 *
 * Run: pnpm --filter @mlc/example-powerbi-push start
 */
import { startPowerBISimulator } from '@mlc/testkit';
import { clientSecretCredential, createPowerBIClient, defineDataset } from '@mlc/powerbi-push-client';

// 1. The schema: types are checked locally (names, limits, values) before anything is sent.
const sales = defineDataset({
  name: 'Sales (example)',
  tables: {
    Invoices: {
      columns: {
        invoiceId: 'Int64',
        customer: 'String',
        amount: 'Decimal',
        issuedAt: 'DateTime',
        paid: 'Boolean',
        note: { type: 'String', nullable: true },
      },
      measures: [{ name: 'Revenue', expression: "SUM('Invoices'[amount])", formatString: '0.00' }],
    },
  },
});

// 2. A simulator of Entra ID + Power BI on 127.0.0.1 (a minute lasts a second, so pacing is visible but quick).
const simulator = await startPowerBISimulator({ timeScale: 60 });
console.log(`simulator listening at ${simulator.url}`);

try {
  // 3. The client: a service principal with a client secret, bound to one workspace.
  const client = createPowerBIClient({
    credential: clientSecretCredential({
      tenantId: simulator.tenantId,
      clientId: simulator.clientId,
      clientSecret: simulator.clientSecret ?? '',
    }),
    groupId: simulator.groupId,
    apiBase: simulator.url,
    authorityHost: simulator.authorityHost,
    // Pace in the simulator's compressed time, with a 50 ms margin for loopback latency.
    pacing: { timeScale: 60, windowMarginMs: 50 },
  });

  // 4. Find-or-create the dataset.
  const dataset = await client.ensureDataset(sales);
  for (const action of dataset.actions) console.log(`ensureDataset: ${action}`);

  // 5. Append 25,000 rows tagged with a batch id: three requests (≤ 10,000 rows each), paced per dataset.
  const invoices = dataset.table('Invoices');
  const rows = Array.from({ length: 25_000 }, (_, i) => ({
    invoiceId: 100_000 + i,
    customer: `Customer ${i % 250}`,
    amount: ((i * 37) % 100_000) / 100,
    issuedAt: new Date(Date.UTC(2024, 0, 1) + i * 60_000),
    paid: i % 3 !== 0,
    ...(i % 10 === 0 ? { note: 'priority' } : {}),
  }));
  const result = await invoices.append(rows, { batchId: 'example-batch-1' });
  console.log(`append: ${result.outcome}`);
  for (const request of result.requests) {
    console.log(
      `  rows ${request.startIndex}..${request.startIndex + request.rowCount - 1}: ${request.outcome}`,
    );
  }

  // 6. Verify through executeQueries (DAX), as the sync engine does after an ambiguous POST.
  console.log(`rows in batch example-batch-1: ${await invoices.countWhere('_batch', 'example-batch-1')}`);
  const byPaid = await invoices.countGroupedBy('paid');
  console.log(`rows by paid: ${JSON.stringify(Object.fromEntries(byPaid))}`);
  console.log(`pacer: ${JSON.stringify(client.pacingStats(dataset.datasetId))}`);
} finally {
  await simulator.close();
}
