import { createHttpClient, silentLogger, systemClock } from '@mlc/core';
import { type X3ClientOptions, createX3Client, resolveX3ClientOptions } from '@mlc/sage-x3-client';
import { formatDuration } from '../output/format.js';
import { type CheckLog, describeError } from './doctor-check.js';
import { checkHost } from './network-checks.js';

const SECTION = 'sage-x3';
/** The entities behind the six ready-made streams. */
const STREAM_ENTITIES = ['account', 'journalEntry', 'supplier', 'purchaseOrder', 'salesInvoice', 'product'];
const SKEW_WARN_MS = 60_000;
const SKEW_FAIL_MS = 300_000;

const AUTH_REMEDY: Record<string, string> = {
  basic:
    'Check the X3 user and password given to basicAuth (from your environment, e.g. MLC_X3_PASSWORD); the user must be allowed to use web services and not be locked.',
  'connected-app':
    "Check the connected application's client id and secret, its X3 user, and that this machine's clock is right (the JWT's iat/exp are judged by the server's clock).",
  'oauth2-refresh-token':
    'The refresh token was refused (expired, revoked or already used): run the OAuth2 consent again and store the new token with sync.tokenStore().',
  custom: 'Check the credentials your custom auth strategy sends.',
};

interface EndpointResource {
  dataset?: unknown;
  x3ServerFolder?: unknown;
}

/**
 * Sage X3: the hosts, authentication in the configured mode (an authenticated request to the Syracuse endpoint
 * list), the endpoint folder, clock skew from the server's `Date` header, and each entity readable with a stamp.
 */
export async function checkSageX3(
  log: CheckLog,
  options: X3ClientOptions,
  context: { entities?: string[]; env: NodeJS.ProcessEnv; now: () => number },
): Promise<void> {
  const resolved = resolveX3ClientOptions(options);
  const origins = new Map<string, string>([[new URL(resolved.baseUrl).origin, resolved.baseUrl]]);
  if (resolved.transport === 'graphql') origins.set(new URL(resolved.graphqlUrl).origin, resolved.graphqlUrl);
  let reachable = true;
  for (const url of origins.values()) {
    reachable =
      (await checkHost(log, {
        id: 'x3.host',
        section: SECTION,
        label: 'Sage X3',
        url,
        ...(resolved.tls ? { tls: resolved.tls } : {}),
        env: context.env,
        now: context.now(),
      })) && reachable;
  }
  const kind = resolved.auth.kind;
  if (!reachable) {
    log.add({
      id: 'x3.auth',
      section: SECTION,
      title: `Sage X3 authentication (${kind})`,
      status: 'skip',
      detail: 'host unreachable',
    });
    return;
  }

  // One authenticated request to the Syracuse endpoint list ([documented] sage-x3 reference §1.1, §3 gotcha 3):
  // proves the credentials, names the folders, and carries the server's Date header.
  const runtime = resolved.auth.start({
    clock: resolved.clock ?? systemClock,
    logger: silentLogger,
    ...(resolved.fetch ? { fetch: resolved.fetch } : {}),
    ...(resolved.tls ? { tls: resolved.tls } : {}),
  });
  const http = createHttpClient({
    baseUrl: resolved.baseUrl.endsWith('/') ? resolved.baseUrl : `${resolved.baseUrl}/`,
    auth: runtime.provider,
    knownSecrets: () => runtime.knownSecrets(),
    errorFactory: (ctx) => runtime.describeRejection(ctx),
    retry: { maxAttempts: 2 },
    timeoutMs: 20_000,
    logger: silentLogger,
    ...(resolved.fetch ? { fetch: resolved.fetch } : {}),
    ...(resolved.tls ? { tls: resolved.tls } : {}),
  });
  let resources: EndpointResource[] | undefined;
  let serverDate: number | undefined;
  let sentAt = 0;
  let receivedAt = 0;
  try {
    sentAt = context.now();
    const response = await http.request({
      path: 'api1/syracuse/collaboration/syracuse/endPoints',
      query: { representation: 'endPoints.$query', count: 100 },
    });
    receivedAt = context.now();
    serverDate = Date.parse(response.headers.get('date') ?? '');
    resources = (JSON.parse(response.text) as { $resources?: EndpointResource[] }).$resources ?? [];
    log.add({
      id: 'x3.auth',
      section: SECTION,
      title: `Sage X3 authentication (${kind})`,
      status: 'ok',
      detail: 'the server accepted the credentials',
    });
  } catch (error) {
    receivedAt = context.now();
    const e = describeError(error);
    const status = (error as { status?: number }).status;
    if (status === 401 || (e.code !== undefined && /AUTH|TOKEN/.test(e.code))) {
      log.add({
        id: 'x3.auth',
        section: SECTION,
        title: `Sage X3 authentication (${kind})`,
        status: 'fail',
        detail: `${e.code ?? `HTTP ${status}`}: ${e.message}`,
        remedy: AUTH_REMEDY[kind] ?? AUTH_REMEDY.custom,
        data: { code: e.code, status },
      });
      return;
    }
    // Authenticated, but the endpoint list is not readable (e.g. no admin right on it): the class reads decide.
    log.add({
      id: 'x3.auth',
      section: SECTION,
      title: `Sage X3 authentication (${kind})`,
      status: 'warn',
      detail: `the endpoint list answered ${e.code ?? ''} ${e.message}; authentication is judged by the entity reads below`,
    });
  }

  if (serverDate !== undefined && Number.isFinite(serverDate)) {
    // Date has a resolution of one second; compare with the middle of the request.
    const skew = serverDate - (sentAt + receivedAt) / 2;
    const abs = Math.abs(skew);
    const direction = skew > 0 ? 'ahead of' : 'behind';
    log.add({
      id: 'x3.clock',
      section: SECTION,
      title: 'clock skew against the Sage X3 server',
      status: abs > SKEW_FAIL_MS ? 'fail' : abs > SKEW_WARN_MS ? 'warn' : 'ok',
      detail:
        abs <= 1_500
          ? 'in step (within the Date header’s 1 s resolution)'
          : `the server's clock is ${formatDuration(abs)} ${direction} this machine's`,
      ...(abs > SKEW_WARN_MS
        ? {
            remedy:
              "Synchronise this machine's clock (NTP: timedatectl set-ntp true, w32tm /resync); if it is right, ask the X3 administrator to fix the server's. Connected-app JWTs (iat/exp), token lifetimes and the sync's safety lag all assume the clocks agree.",
          }
        : {}),
      data: { skewMs: Math.round(skew) },
    });
  }

  if (resources) {
    const names = resources.map((r) => String(r.dataset ?? ''));
    const found = resources.find((r) => r.dataset === resolved.endpoint);
    if (!found) {
      log.add({
        id: 'x3.endpoint',
        section: SECTION,
        title: `Sage X3 endpoint folder ${resolved.endpoint} exists`,
        status: 'fail',
        detail: `no endpoint ${resolved.endpoint}; the server has: ${names.join(', ') || '(none visible)'}`,
        remedy:
          'Set `endpoint` to one of the listed Syracuse endpoint names (not the X3 folder name; they can differ).',
        data: { endpoints: names },
      });
      return;
    }
    log.add({
      id: 'x3.endpoint',
      section: SECTION,
      title: `Sage X3 endpoint folder ${resolved.endpoint} exists`,
      status: 'ok',
      detail: `X3 folder ${String(found.x3ServerFolder ?? resolved.endpoint)}`,
    });
  }

  const client = createX3Client({ ...options, retry: { maxAttempts: 2 } });
  const known = new Set(client.entityNames());
  const entities = context.entities ?? STREAM_ENTITIES.filter((e) => known.has(e));
  for (const entity of entities) {
    const title = `Sage X3 ${entity} is readable with its update stamp`;
    if (!known.has(entity)) {
      log.add({
        id: `x3.entity.${entity}`,
        section: SECTION,
        title,
        status: 'fail',
        detail: `the client knows no entity ${entity}`,
        remedy: "Fix doctor.x3Entities or the client's `entities`.",
      });
      continue;
    }
    const def = client.entity(entity);
    const where =
      resolved.transport === 'rest'
        ? `class ${def.rest?.className ?? '?'} (${def.rest?.representation ?? '?'})`
        : `node ${def.graphql?.packageName ?? '?'}.${def.graphql?.nodeName ?? '?'}`;
    const controller = new AbortController();
    try {
      let first: { key?: string; stamp?: string; ok: boolean; reason?: string } | undefined;
      for await (const change of client.changes(entity, { pageSize: 1, signal: controller.signal })) {
        first = change.ok
          ? { ok: true, key: change.key, stamp: change.stamp }
          : {
              ok: false,
              ...(change.key !== undefined ? { key: change.key } : {}),
              reason: change.error.reason,
            };
        break;
      }
      controller.abort();
      if (!first) {
        log.add({
          id: `x3.entity.${entity}`,
          section: SECTION,
          title,
          status: 'warn',
          detail: `${where} is readable but holds no record yet`,
        });
      } else if (!first.ok) {
        log.add({
          id: `x3.entity.${entity}`,
          section: SECTION,
          title,
          status: 'warn',
          detail: `${where} is readable, but its first record ${first.key ?? ''} does not validate: ${first.reason ?? ''}`,
          remedy: 'Such records are quarantined by the sync; check the entity mapping if many are.',
        });
      } else {
        log.add({
          id: `x3.entity.${entity}`,
          section: SECTION,
          title,
          status: 'ok',
          detail: `${where}: first record ${first.key} stamped ${first.stamp}`,
        });
      }
    } catch (error) {
      const e = describeError(error);
      log.add({
        id: `x3.entity.${entity}`,
        section: SECTION,
        title,
        status: 'fail',
        detail: `${where}: ${e.code ? `${e.code}: ` : ''}${e.message}`,
        remedy:
          e.hint ??
          "Check that the class/representation (REST) or node (GraphQL) exists on this endpoint and that the user may read it; override the names in the client's `entities` if your X3 uses others.",
        data: { code: e.code },
      });
    }
  }
}
