import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { URL } from 'node:url';
import { loadMontevideoData, type MontevideoData } from '../shared/montevideo-data';
import { BusSimulator } from './bus-simulator';
import {
  basicCredentials,
  bearerToken,
  HttpError,
  integerList,
  listParam,
  notFound,
  parseInteger,
  queryParam,
  readBody,
  sendJson,
} from './http-util';
import { TokenStore } from './token-store';

export const API_PREFIX = '/api/transportepublico';
/** The real API's page size for upcoming buses is small; used when the client does not say. */
const DEFAULT_AMOUNT_PER_LINE = 3;

export interface SimulatorServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  seed?: number;
  timeScale?: number;
  /** When set, the token endpoint only accepts this client id and secret; otherwise any. */
  clientId?: string;
  clientSecret?: string;
  data?: MontevideoData;
}

export interface RunningSimulator {
  url: string;
  apiUrl: string;
  tokenUrl: string;
  port: number;
  simulator: BusSimulator;
  /** Requests received for a path (no query), or in total. */
  requestCount(path?: string): number;
  /** Invalidates every issued token, as when the real one expires early: clients must renew. */
  expireTokens(): void;
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface Context {
  options: SimulatorServerOptions;
  data: MontevideoData;
  simulator: BusSimulator;
  tokens: TokenStore;
}

async function issueToken(ctx: Context, req: IncomingMessage): Promise<Reply> {
  const form = new URLSearchParams(await readBody(req));
  const credentials = basicCredentials(req) ?? {
    id: form.get('client_id') ?? '',
    secret: form.get('client_secret') ?? '',
  };
  const { clientId, clientSecret } = ctx.options;
  const configured = clientId !== undefined || clientSecret !== undefined;
  const accepted = configured
    ? credentials.id === clientId && credentials.secret === clientSecret
    : credentials.id !== '';
  if (!accepted) {
    throw new HttpError(401, { error: 'invalid_client', error_description: 'Client authentication failed' });
  }
  if (form.get('grant_type') !== 'client_credentials') {
    throw new HttpError(400, { error: 'unsupported_grant_type', error_description: 'Use client_credentials' });
  }
  const { token, expiresIn } = ctx.tokens.issue();
  return {
    status: 200,
    body: { access_token: token, token_type: 'Bearer', expires_in: expiresIn },
    headers: { 'Cache-Control': 'no-store' },
  };
}

function knownStop(ctx: Context, idText: string): number {
  const stopId = parseInteger(idText, 'bus stop id');
  if (!ctx.simulator.hasStop(stopId)) throw notFound(`bus stop ${stopId} does not exist`);
  return stopId;
}

/** Routes under API_PREFIX; `path` is relative to it. */
function apiRoute(ctx: Context, path: string, query: URLSearchParams): Reply {
  const { simulator } = ctx;
  if (path === '/buses') {
    const variantIds = integerList(query, 'lineVariantIds');
    return { status: 200, body: simulator.vehicles({ lines: listParam(query, 'lines'), variantIds }) };
  }
  if (path === '/buses/busstops') return { status: 200, body: ctx.data.stops };
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

function methodNotAllowed(allow: string): HttpError {
  return new HttpError(405, { error: 'method_not_allowed', message: `use ${allow}` });
}

async function route(ctx: Context, req: IncomingMessage, url: URL): Promise<Reply> {
  const method = req.method ?? 'GET';
  const path = url.pathname;
  const isRead = method === 'GET' || method === 'HEAD';
  if (path === '/token') {
    if (method !== 'POST') throw methodNotAllowed('POST');
    return issueToken(ctx, req);
  }
  if (path === '/health') {
    if (!isRead) throw methodNotAllowed('GET');
    const { seed, timeScale } = ctx.simulator;
    const simulatedLines = ctx.simulator.simulatedLines().length;
    return { status: 200, body: { status: 'ok', simulator: true, seed, timeScale, simulatedLines } };
  }
  if (path === API_PREFIX || path.startsWith(`${API_PREFIX}/`)) {
    // The real gateway checks the token before it looks at the route.
    if (!ctx.tokens.isValid(bearerToken(req))) {
      throw new HttpError(401, { error: 'invalid_token', message: 'A valid Bearer access token is required' });
    }
    if (!isRead) throw methodNotAllowed('GET');
    return apiRoute(ctx, path.slice(API_PREFIX.length).replace(/\/+$/, ''), url.searchParams);
  }
  throw notFound(`no route ${method} ${path}`);
}

async function handle(ctx: Context, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  let reply: Reply;
  try {
    reply = await route(ctx, req, url);
  } catch (error) {
    if (error instanceof HttpError) {
      const headers: Record<string, string> = error.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
      reply = { status: error.status, body: error.body, headers };
    } else {
      reply = { status: 500, body: { error: 'internal_error', message: String(error) } };
    }
  }
  await sendJson(req, res, reply.status, reply.body, reply.headers);
}

export async function startSimulatorServer(options: SimulatorServerOptions = {}): Promise<RunningSimulator> {
  const host = options.host ?? '127.0.0.1';
  const data = options.data ?? loadMontevideoData();
  const simulator = new BusSimulator(data, { seed: options.seed ?? 1, timeScale: options.timeScale ?? 1 });
  const ctx: Context = { options, data, simulator, tokens: new TokenStore() };
  const counts = new Map<string, number>();

  const server = createServer((req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://simulator.invalid');
    } catch {
      url = new URL('http://simulator.invalid/');
    }
    counts.set(url.pathname, (counts.get(url.pathname) ?? 0) + 1);
    handle(ctx, req, res, url).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    apiUrl: url + API_PREFIX,
    tokenUrl: `${url}/token`,
    port,
    simulator,
    requestCount: (path) =>
      path === undefined ? [...counts.values()].reduce((a, b) => a + b, 0) : (counts.get(path) ?? 0),
    expireTokens: () => ctx.tokens.revokeAll(),
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets (Node's fetch keeps them) would otherwise hold the port open for seconds.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
