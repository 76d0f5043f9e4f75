import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { URL } from 'node:url';
import { loadMontevideoData, type MontevideoData } from '../shared/montevideo-data';
import { ARRIVALS_PATH, simArrivals } from './arrivals-route';
import { BusSimulator } from './bus-simulator';
import { FaultInjector } from './fault-injector';
import type { FaultsPatch, SimulatorFaults } from './faults';
import { FAULTS_ADMIN_PATH, faultsAdmin } from './faults-admin';
import { HttpError, methodNotAllowed, notFound, sendJson, sendNoContent, type Reply } from './http-util';
import { API_PREFIX, apiRequest, issueToken, type StmContext } from './stm-api';
import { TokenStore } from './token-store';

export { API_PREFIX };

export interface SimulatorServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  seed?: number;
  timeScale?: number;
  /** The moment of the city's service shown at start (epoch ms); default: the clock's own (see BusSimulator). */
  serviceAt?: number;
  /** When set, the token endpoint only accepts this client id and secret; otherwise any. */
  clientId?: string;
  clientSecret?: string;
  data?: MontevideoData;
  /** Faults to inject from the start; see faults.ts. */
  faults?: FaultsPatch;
}

export interface BusRequest {
  at: number;
  lines: string[];
  /** The HTTP status answered, once the answer is sent (none while it is held, or if the socket closed first). */
  status?: number;
}

const BUS_REQUEST_LOG = 10_000;

export interface RunningSimulator {
  url: string;
  apiUrl: string;
  tokenUrl: string;
  port: number;
  simulator: BusSimulator;
  /** Requests received for a path (no query), or in total. */
  requestCount(path?: string): number;
  /** The last 10,000 `/buses` requests: when, which lines they asked for, and what they were answered. */
  busRequests(): BusRequest[];
  /** Invalidates every issued token, as when the real one expires early: clients must renew. */
  expireTokens(): void;
  /** The client secrets `/token` accepts from now on, for the configured client id (a credentials rotation). */
  acceptSecrets(secrets: string[]): void;
  /** Merges into the current faults; throws FaultsValidationError, changing nothing, on a bad setting. */
  setFaults(faults: FaultsPatch): void;
  /** Back to a well-behaved API. Fault counts are kept. */
  clearFaults(): void;
  faults(): SimulatorFaults;
  /** How many times each fault was injected since the server started (every name present, 0 if never). */
  faultCounts(): Record<string, number>;
  close(): Promise<void>;
}

async function route(ctx: StmContext, req: IncomingMessage, url: URL, signal: AbortSignal): Promise<Reply> {
  const method = req.method ?? 'GET';
  const path = url.pathname;
  if (path === '/token') {
    if (method !== 'POST') throw methodNotAllowed('POST');
    return issueToken(ctx, req);
  }
  if (path === '/health') {
    if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed('GET');
    const { seed, timeScale } = ctx.simulator;
    const simulatedLines = ctx.simulator.simulatedLines().length;
    return { status: 200, body: { status: 'ok', simulator: true, seed, timeScale, simulatedLines } };
  }
  if (path === FAULTS_ADMIN_PATH) return faultsAdmin(ctx.faults, req);
  // Ground truth for evaluating predictions; like the fault admin, outside the API and without a token.
  if (path === ARRIVALS_PATH) return simArrivals(ctx.simulator, req, url.searchParams);
  if (path === API_PREFIX || path.startsWith(`${API_PREFIX}/`)) return apiRequest(ctx, req, url, signal);
  throw notFound(`no route ${method} ${path}`);
}

async function handle(ctx: StmContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  // Aborted when the connection closes (client gave up, or close() destroyed it): ends injected waits.
  const connection = new AbortController();
  res.once('close', () => connection.abort());
  let reply: Reply;
  try {
    reply = await route(ctx, req, url, connection.signal);
  } catch (error) {
    if (connection.signal.aborted) return;
    if (error instanceof HttpError) {
      const headers: Record<string, string> = error.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
      reply = { status: error.status, body: error.body, headers };
    } else {
      reply = { status: 500, body: { error: 'internal_error', message: String(error) } };
    }
  }
  if (connection.signal.aborted) return;
  if (reply.status === 204) sendNoContent(res, reply.headers);
  else await sendJson(req, res, reply.status, reply.body, reply.headers);
}

export async function startSimulatorServer(options: SimulatorServerOptions = {}): Promise<RunningSimulator> {
  const host = options.host ?? '127.0.0.1';
  const data = options.data ?? loadMontevideoData();
  const seed = options.seed ?? 1;
  const simulator = new BusSimulator(data, { seed, timeScale: options.timeScale ?? 1, serviceAt: options.serviceAt });
  const faults = new FaultInjector(seed, options.faults);
  const { clientId, clientSecret } = options;
  const ctx: StmContext = { clientId, clientSecret, data, simulator, tokens: new TokenStore(), faults };
  const counts = new Map<string, number>();
  const busRequests: BusRequest[] = [];

  const server = createServer((req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://simulator.invalid');
    } catch {
      url = new URL('http://simulator.invalid/');
    }
    counts.set(url.pathname, (counts.get(url.pathname) ?? 0) + 1);
    if (url.pathname === `${API_PREFIX}/buses`) {
      // Kept for tests and benchmarks that check how the product shares its polling.
      const lines = (url.searchParams.get('lines') ?? '')
        .split(',')
        .map((l) => l.trim())
        .filter(Boolean);
      const entry: BusRequest = { at: Date.now(), lines };
      busRequests.push(entry);
      res.once('finish', () => (entry.status = res.statusCode));
      if (busRequests.length > BUS_REQUEST_LOG) busRequests.splice(0, busRequests.length - BUS_REQUEST_LOG);
    }
    if (url.pathname === '/_sim/requests') {
      const body = { counts: Object.fromEntries(counts), busRequests: busRequests.length };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
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
    busRequests: () => [...busRequests],
    requestCount: (path) =>
      path === undefined ? [...counts.values()].reduce((a, b) => a + b, 0) : (counts.get(path) ?? 0),
    expireTokens: () => {
      ctx.tokens.revokeAll();
      faults.record('tokensRevoked');
    },
    acceptSecrets: (secrets) => void (ctx.clientSecrets = [...secrets]),
    setFaults: (patch) => void faults.set(patch),
    clearFaults: () => void faults.clear(),
    faults: () => faults.settings(),
    faultCounts: () => faults.counts(),
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets (Node's fetch keeps them) would otherwise hold the port open for seconds, and
        // a request held open by an injected timeout for its whole `hangMs`. Destroying a socket closes its
        // response, which aborts any injected wait on it (see handle).
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
