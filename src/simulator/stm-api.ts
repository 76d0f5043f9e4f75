import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MontevideoData } from '../shared/montevideo-data';
import type { BusSimulator } from './bus-simulator';
import type { RequestFault } from './fault-decisions';
import type { FaultInjector } from './fault-injector';
import {
  basicCredentials,
  bearerToken,
  HttpError,
  integerList,
  listParam,
  methodNotAllowed,
  notFound,
  parseInteger,
  queryParam,
  readBody,
  type Reply,
} from './http-util';
import type { TokenStore } from './token-store';
import type { SimVehicle } from './sim-types';
import { formatStmTimestamp, parseStmTimestamp } from './stm-time';

export const API_PREFIX = '/api/transportepublico';
/** The real API's page size for upcoming buses is small; used when the client does not say. */
const DEFAULT_AMOUNT_PER_LINE = 3;

/** What the STM routes need from the running simulator. */
export interface StmContext {
  /** When set, the token endpoint only accepts this client id and secret; otherwise any. */
  clientId?: string;
  clientSecret?: string;
  /** When set, the secrets accepted instead of `clientSecret` (a rotation: old and new, then only new). */
  clientSecrets?: string[];
  data: MontevideoData;
  simulator: BusSimulator;
  tokens: TokenStore;
  faults: FaultInjector;
}

const invalidClient = (): HttpError =>
  new HttpError(401, { error: 'invalid_client', error_description: 'Client authentication failed' });

/** `POST /token`: OAuth2 client credentials, as the city's token endpoint. */
export async function issueToken(ctx: StmContext, req: IncomingMessage): Promise<Reply> {
  const form = new URLSearchParams(await readBody(req));
  if (ctx.faults.settings().rejectTokens) {
    ctx.faults.record('tokenRejected');
    throw invalidClient();
  }
  if (ctx.faults.settings().tokenUnavailable) {
    ctx.faults.record('tokenUnavailable');
    throw new HttpError(503, { error: 'temporarily_unavailable', error_description: 'Token service unavailable' });
  }
  const credentials = basicCredentials(req) ?? {
    id: form.get('client_id') ?? '',
    secret: form.get('client_secret') ?? '',
  };
  const { clientId, clientSecret } = ctx;
  const configured = clientId !== undefined || clientSecret !== undefined;
  const secrets = ctx.clientSecrets ?? [clientSecret];
  const accepted = configured
    ? credentials.id === clientId && secrets.includes(credentials.secret)
    : credentials.id !== '';
  if (!accepted) throw invalidClient();
  if (form.get('grant_type') !== 'client_credentials') {
    throw new HttpError(400, { error: 'unsupported_grant_type', error_description: 'Use client_credentials' });
  }
  const { token, expiresIn } = ctx.tokens.issue(ctx.faults.tokenLifetimeSeconds() * 1000);
  return {
    status: 200,
    body: { access_token: token, token_type: 'Bearer', expires_in: expiresIn },
    headers: { 'Cache-Control': 'no-store' },
  };
}

/**
 * A request under API_PREFIX. `signal` aborts when the client goes away or the server closes, so
 * injected latency and hangs never outlive the connection.
 */
export async function apiRequest(ctx: StmContext, req: IncomingMessage, url: URL, signal: AbortSignal): Promise<Reply> {
  // The real gateway checks the token before it looks at the route, and throttles per subscription,
  // so faults only ever meet authenticated requests.
  if (!ctx.tokens.isValid(bearerToken(req))) {
    throw new HttpError(401, { error: 'invalid_token', message: 'A valid Bearer access token is required' });
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed('GET');
  const { delayMs, fault, requestNo } = ctx.faults.nextRequest();
  if (delayMs > 0) await sleep(delayMs, undefined, { signal });
  const injected = await faultReply(fault, signal);
  if (injected) return injected;
  const path = url.pathname.slice(API_PREFIX.length).replace(/\/+$/, '');
  return apiRoute(ctx, path, url.searchParams, requestNo);
}

async function faultReply(fault: RequestFault, signal: AbortSignal): Promise<Reply | undefined> {
  const simulated = 'injected by the STM simulator';
  switch (fault.kind) {
    case 'none':
      return undefined;
    case 'rateLimited': {
      const message = `Rate limit exceeded; retry after ${fault.retryAfterSeconds} s (${simulated})`;
      const headers = { 'Retry-After': String(fault.retryAfterSeconds) };
      return { status: 429, body: { error: 'too_many_requests', message }, headers };
    }
    case 'serverError': {
      const error = { 500: 'internal_error', 502: 'bad_gateway', 503: 'service_unavailable' }[fault.status];
      return { status: fault.status, body: { error, message: `Upstream failure (${simulated})` } };
    }
    case 'timeout':
      await sleep(fault.hangMs, undefined, { signal });
      return { status: 504, body: { error: 'gateway_timeout', message: `No answer in time (${simulated})` } };
  }
}

/** Copies of real buses with values too big for our columns, or stamped ten minutes ahead. */
function badValues(vehicles: readonly SimVehicle[]): Record<string, unknown>[] {
  const [first] = vehicles;
  if (!first) return [];
  const ahead = formatStmTimestamp(parseStmTimestamp(first.timestamp) + 10 * 60_000);
  return [
    { ...first, busId: 2 ** 32 + first.busId },
    { ...first, busId: first.busId + 900_000, destination: 'D'.repeat(200) },
    { ...first, busId: first.busId + 910_000, timestamp: ahead },
  ];
}

function knownStop(ctx: StmContext, idText: string): number {
  const stopId = parseInteger(idText, 'bus stop id');
  if (!ctx.simulator.hasStop(stopId)) throw notFound(`bus stop ${stopId} does not exist`);
  return stopId;
}

/** Routes under API_PREFIX; `path` is relative to it. */
function apiRoute(ctx: StmContext, path: string, query: URLSearchParams, requestNo: number): Reply {
  const { simulator, faults } = ctx;
  const emptyLists = faults.settings().emptyLists;
  if (path === '/buses') {
    const variantIds = integerList(query, 'lineVariantIds');
    const lines = listParam(query, 'lines');
    if (emptyLists) {
      faults.record('emptyList');
      return { status: 200, body: [] };
    }
    const vehicles = simulator.vehicles({ lines, variantIds });
    const bad = faults.settings().badValues ? badValues(vehicles) : [];
    return { status: 200, body: [...bad, ...faults.corruptVehicles(vehicles, requestNo)] };
  }
  if (path === '/buses/busstops') {
    // The real catalogue endpoint sometimes answers 204 with no body; clients are expected to retry.
    if (emptyLists) faults.record('noContent');
    return emptyLists ? { status: 204 } : { status: 200, body: ctx.data.stops };
  }
  if (path === '/buses/linevariants') return { status: 200, body: ctx.data.variants };
  const stopRoute = /^\/buses\/busstops\/([^/]+)\/(lines|upcomingbuses)$/.exec(path);
  if (stopRoute) {
    const stopId = knownStop(ctx, decodeURIComponent(stopRoute[1]));
    if (stopRoute[2] === 'lines') return { status: 200, body: simulator.linesForStop(stopId) };
    const amountText = queryParam(query, 'amountperline');
    const amount = amountText === undefined ? DEFAULT_AMOUNT_PER_LINE : parseInteger(amountText, 'amountperline', 1);
    return { status: 200, body: simulator.upcoming(stopId, listParam(query, 'lines'), amount) };
  }
  throw notFound(`no route GET ${API_PREFIX}${path}`);
}
