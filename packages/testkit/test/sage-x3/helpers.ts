import type { SageX3Simulator } from '../../src/index.js';

/** `Authorization: Basic …` for the simulator's default user. */
export function basicAuth(sim: SageX3Simulator): string {
  const { user, password } = sim.credentials.basic;
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** A REST list URL for a class with extra query parameters. */
export function restUrl(
  sim: SageX3Simulator,
  className: string,
  params: Record<string, string> = {},
): string {
  const u = new URL(`${sim.url}/api1/x3/erp/${sim.endpoint}/${className}`);
  u.searchParams.set('representation', `${className}.$query`);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

/** GETs a URL with Basic auth and returns status and parsed body. */
export async function getJson(
  sim: SageX3Simulator,
  url: string,
  auth: string = basicAuth(sim),
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(url, { headers: { authorization: auth, accept: 'application/json' } });
  const text = await res.text();
  return {
    status: res.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    headers: res.headers,
  };
}

/** A REST resource. */
export type Resource = Record<string, unknown>;

/** Follows `$links.$next.$url` from a first URL, collecting every resource and the page sizes. */
export async function pageRest(
  sim: SageX3Simulator,
  firstUrl: string,
): Promise<{ resources: Resource[]; pages: Resource[][] }> {
  const pages: Resource[][] = [];
  let url: string | undefined = firstUrl;
  while (url) {
    const { status, body } = await getJson(sim, url);
    if (status !== 200) throw new Error(`HTTP ${status}: ${JSON.stringify(body)}`);
    pages.push(body.$resources as Resource[]);
    const links = body.$links as { $next?: { $url: string } };
    url = links.$next?.$url;
  }
  return { resources: pages.flat(), pages };
}

/** POSTs a GraphQL query to `/xtrem/api`. */
export async function gql(
  sim: SageX3Simulator,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<{
  status: number;
  body: { data?: unknown; errors?: Array<{ message: string; path?: unknown[] }> } & Record<string, unknown>;
}> {
  const res = await fetch(sim.graphqlUrl, {
    method: 'POST',
    headers: {
      authorization: basicAuth(sim),
      'x-xtrem-endpoint': sim.endpoint,
      'content-type': 'application/json',
      ...headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: res.status, body };
}

/** A GraphQL edge node with the fields the paging tests select. */
export interface PagedNode {
  _id: string;
  _updateStamp: string;
}

/** Pages a node's `query` connection with `first`/`after` until `hasNextPage` is false. */
export async function pageGraphql(
  sim: SageX3Simulator,
  root: string,
  node: string,
  opts: { filter?: string; orderBy?: string; first: number; select?: string },
): Promise<{ nodes: PagedNode[]; pages: PagedNode[][] }> {
  const doc = `query($first: Int, $after: String, $filter: String, $orderBy: String) {
    ${root} { ${node} { query(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
      edges { cursor node { _id _updateStamp ${opts.select ?? ''} } }
      pageInfo { endCursor hasNextPage }
    } } } }`;
  const pages: PagedNode[][] = [];
  let after: string | null = null;
  for (;;) {
    const { status, body } = await gql(sim, doc, {
      first: opts.first,
      after,
      filter: opts.filter ?? null,
      orderBy: opts.orderBy ?? null,
    });
    if (status !== 200 || body.errors) throw new Error(`GraphQL ${status}: ${JSON.stringify(body.errors)}`);
    const conn = (body.data as Record<string, Record<string, Record<string, unknown>>>)[root]?.[node]
      ?.query as {
      edges: Array<{ node: PagedNode }>;
      pageInfo: { endCursor: string | null; hasNextPage: boolean };
    };
    pages.push(conn.edges.map((e) => e.node));
    if (!conn.pageInfo.hasNextPage) break;
    after = conn.pageInfo.endCursor;
  }
  return { nodes: pages.flat(), pages };
}

/** True when the list is sorted by (stamp, key) ascending. */
export function isStampKeyOrdered(items: Array<{ stamp: string; key: string }>): boolean {
  for (let i = 1; i < items.length; i++) {
    const a = items[i - 1] as { stamp: string; key: string };
    const b = items[i] as { stamp: string; key: string };
    if (a.stamp > b.stamp || (a.stamp === b.stamp && a.key >= b.key)) return false;
  }
  return true;
}
