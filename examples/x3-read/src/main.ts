/**
 * Reads every built-in entity incrementally from a Sage X3 simulator started in-process, over REST api1 and over
 * GraphQL, and prints per-entity counts. Then it changes a record and shows that a second incremental pass,
 * resumed from the last stamp, sees exactly that change.
 *
 *   pnpm --filter @mlc/example-x3-read start            # small data set
 *   X3_SIZE=medium pnpm --filter @mlc/example-x3-read start
 */
import {
  type X3BuiltInEntityName,
  X3_BUILT_IN_ENTITIES,
  basicAuth,
  connectedAppAuth,
  createX3Client,
} from '@mlc/sage-x3-client';
import { type SageX3SizePreset, startSageX3Simulator } from '@mlc/testkit';

const size = (process.env.X3_SIZE ?? 'small') as SageX3SizePreset;
const sim = await startSageX3Simulator({ seed: 42, size });
console.log(`Sage X3 simulator on ${sim.url} (endpoint ${sim.endpoint}, size ${size})`);

try {
  // REST api1 with HTTP Basic; GraphQL with a connected-application JWT — the two usual on-premise set-ups.
  const rest = createX3Client({
    baseUrl: sim.url,
    endpoint: sim.endpoint,
    transport: 'rest',
    auth: basicAuth(sim.credentials.basic),
    pageSize: 1000,
  });
  const graphql = createX3Client({
    baseUrl: sim.url,
    endpoint: sim.endpoint,
    transport: 'graphql',
    auth: connectedAppAuth(sim.credentials.connectedApp),
    pageSize: 1000,
  });

  const entities = Object.keys(X3_BUILT_IN_ENTITIES) as X3BuiltInEntityName[];
  const lastStamp = new Map<X3BuiltInEntityName, string>();
  const firstKey = new Map<X3BuiltInEntityName, string>();
  const rows: Array<Record<string, string | number>> = [];
  for (const entity of entities) {
    const row: Record<string, string | number> = { entity };
    for (const [name, client] of [
      ['rest', rest],
      ['graphql', graphql],
    ] as const) {
      const started = Date.now();
      let valid = 0;
      let invalid = 0;
      let lines = 0;
      for await (const change of client.changes(entity)) {
        if (!change.ok) {
          invalid++;
          console.warn(
            `  invalid ${entity} ${change.key ?? '?'}: ${change.error.field} ${change.error.reason}`,
          );
          continue;
        }
        valid++;
        const record = change.record as { lines?: unknown[] };
        lines += record.lines?.length ?? 0;
        lastStamp.set(entity, change.stamp);
        if (!firstKey.has(entity)) firstKey.set(entity, change.key);
      }
      row[`${name} records`] = valid;
      if (lines > 0) row[`${name} lines`] = lines;
      if (invalid > 0) row[`${name} invalid`] = invalid;
      row[`${name} ms`] = Date.now() - started;
    }
    row.simulator = sim.control.count(entity);
    rows.push(row);
  }
  console.table(rows);

  // Incremental: change one supplier, then read only what changed since the last stamp we saw (inclusive).
  const since = lastStamp.get('supplier');
  const changed = sim.control.update('supplier', firstKey.get('supplier') ?? '', {
    values: { companyName: 'Renamed Supplier SA' },
  });
  const again: string[] = [];
  for await (const change of graphql.changes('supplier', since ? { since } : {})) {
    if (change.ok) again.push(`${change.key} ${change.stamp} ${change.record.name ?? ''}`);
  }
  console.log(`\nSuppliers changed since ${since}: ${again.length}`);
  for (const line of again) console.log(`  ${line}`);
  console.log(`(updated ${changed.key} at ${changed.updatedAt})`);
} finally {
  await sim.close();
}
