/**
 * The sync a competent developer would write in an afternoon instead of adopting the SDK: the baseline of the
 * side-by-side benchmark (versus.bench.mts). It is meant to be honest, not sabotaged: it follows the documented
 * APIs (api1 `$query` paged by `$links.$next`, client-credentials token, push dataset, POST rows of 10,000), retries
 * any failure with exponential backoff and honours `Retry-After`, and remembers the last stamp it posted in a JSON
 * file so a restart resumes where it stopped.
 *
 * What it does not do, because nobody does in an afternoon: ask whether a POST whose answer was lost was applied,
 * write its progress atomically with the POST, or remember which records it already posted.
 *
 * Input: JSON config in `MLC_NAIVE_CONFIG` (env, not argv, so secrets stay out of `ps`). Output: one JSON line on
 * stdout at the end: `{"posts":…,"rowsPosted":…,"cpuMs":…}`.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

interface Config {
  x3: { url: string; endpoint: string; user: string; password: string };
  pbi: {
    url: string;
    authorityHost: string;
    tenantId: string;
    clientId: string;
    clientSecret: string;
    groupId: string;
  };
  stateFile: string;
  datasetName: string;
}

const config = JSON.parse(process.env.MLC_NAIVE_CONFIG ?? 'null') as Config;
// Modules are loaded: tell the benchmark, which leaves process start-up out of the wall time.
process.stdout.write('{"ready":true}\n');
const cpuStart = process.cpuUsage();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls `fn` until it succeeds: 8 tries, 1 s doubling to 30 s, or the server's Retry-After. */
async function withRetry<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= 8) throw error;
      const retryAfter = (error as { retryAfter?: number }).retryAfter;
      await sleep(retryAfter !== undefined ? retryAfter * 1000 : Math.min(30_000, 1000 * 2 ** (attempt - 1)));
    }
  }
}

async function checked(response: Response): Promise<Response> {
  if (response.ok) return response;
  const error = new Error(`HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
  const retryAfter = response.headers.get('retry-after');
  if (retryAfter) Object.assign(error, { retryAfter: Number(retryAfter) });
  throw error;
}

let token = { value: '', expiresAt: 0 };
async function accessToken(): Promise<string> {
  if (Date.now() < token.expiresAt - 60_000) return token.value;
  const response = await checked(
    await fetch(`${config.pbi.authorityHost}/${config.pbi.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: config.pbi.clientId,
        client_secret: config.pbi.clientSecret,
        scope: 'https://analysis.windows.net/powerbi/api/.default',
      }),
    }),
  );
  const body = (await response.json()) as { access_token: string; expires_in: number };
  token = { value: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
  return token.value;
}

async function powerBI(path: string, init: { method: string; body?: unknown } = { method: 'GET' }) {
  const response = await fetch(`${config.pbi.url}/groups/${config.pbi.groupId}${path}`, {
    method: init.method,
    headers: { authorization: `Bearer ${await accessToken()}`, 'content-type': 'application/json' },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await (await checked(response)).text();
  // POST rows answers 200 with an empty body.
  return (text ? JSON.parse(text) : {}) as Record<string, unknown>;
}

const columns = {
  entryNumber: 'String',
  entryType: 'String',
  company: 'String',
  site: 'String',
  journal: 'String',
  accountingDate: 'DateTime',
  currency: 'String',
  status: 'Int64',
  entryDescription: 'String',
  lineNumber: 'Int64',
  account: 'String',
  businessPartner: 'String',
  sign: 'Int64',
  transactionAmount: 'Decimal',
  ledgerAmount: 'Decimal',
  ledgerCurrency: 'String',
  lineDescription: 'String',
  updatedAt: 'DateTime',
};

async function datasetId(): Promise<string> {
  const list = (await withRetry(() => powerBI('/datasets'))).value as Array<{ id: string; name: string }>;
  const found = list.find((dataset) => dataset.name === config.datasetName);
  if (found) return found.id;
  const created = await withRetry(() =>
    powerBI('/datasets?defaultRetentionPolicy=None', {
      method: 'POST',
      body: {
        name: config.datasetName,
        defaultMode: 'Push',
        tables: [
          {
            name: 'GLEntryLines',
            columns: Object.entries(columns).map(([name, dataType]) => ({ name, dataType })),
          },
        ],
      },
    }),
  );
  return created.id as string;
}

type Resource = Record<string, unknown> & { GACCENTRYD: Array<Record<string, unknown>> };

const toRows = (entry: Resource) =>
  entry.GACCENTRYD.map((line) => ({
    entryNumber: entry.NUM,
    entryType: entry.TYP,
    company: entry.CPY,
    site: entry.FCY,
    journal: entry.JOU,
    accountingDate: entry.ACCDAT,
    currency: entry.CUR,
    status: entry.STA,
    entryDescription: entry.DESVCR,
    lineNumber: line.LIN,
    account: line.ACC,
    businessPartner: line.BPR,
    sign: line.SNS,
    transactionAmount: line.AMTCUR,
    ledgerAmount: line.AMTLED,
    ledgerCurrency: line.CURLED,
    lineDescription: line.DES,
    updatedAt: entry.UPDDATTIM,
  }));

async function main(): Promise<void> {
  const id = await datasetId();
  const state = existsSync(config.stateFile)
    ? (JSON.parse(readFileSync(config.stateFile, 'utf8')) as { lastStamp: string })
    : { lastStamp: '1900-01-01T00:00:00Z' };
  const basic = Buffer.from(`${config.x3.user}:${config.x3.password}`).toString('base64');
  const query = new URLSearchParams({
    representation: 'GACCENTRY.$query',
    count: '1000',
    orderBy: 'UPDDATTIM asc',
    where: `UPDDATTIM gt @${state.lastStamp}@`,
  });
  let next: string | undefined = `${config.x3.url}/api1/x3/erp/${config.x3.endpoint}/GACCENTRY?${query}`;
  let rows: Array<Record<string, unknown>> = [];
  let batchStamp = state.lastStamp;
  let posts = 0;
  let rowsPosted = 0;
  const flush = async () => {
    if (rows.length === 0) return;
    const body = { rows };
    await withRetry(() => powerBI(`/datasets/${id}/tables/GLEntryLines/rows`, { method: 'POST', body }));
    posts++;
    rowsPosted += rows.length;
    rows = [];
    // Write-then-rename, the usual idiom: a kill mid-write must not leave a truncated state file.
    writeFileSync(`${config.stateFile}.tmp`, JSON.stringify({ lastStamp: batchStamp }));
    renameSync(`${config.stateFile}.tmp`, config.stateFile);
  };
  while (next) {
    const url: string = next;
    const page = (await withRetry(async () =>
      (await checked(await fetch(url, { headers: { authorization: `Basic ${basic}` } }))).json(),
    )) as { $resources: Resource[]; $links?: { $next?: { $url: string } } };
    for (const entry of page.$resources) {
      const lines = toRows(entry);
      if (rows.length + lines.length > 10_000) await flush();
      rows.push(...lines);
      batchStamp = String(entry.UPDDATTIM);
    }
    next = page.$links?.$next?.$url;
  }
  await flush();
  const cpu = process.cpuUsage(cpuStart);
  process.stdout.write(`${JSON.stringify({ posts, rowsPosted, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
}

await main();
