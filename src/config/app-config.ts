import { resolve } from 'node:path';
import { EnvironmentVariables, validateEnvironment } from './environment';
import { buildOperationsConfig, HttpConfig, OperationsConfig, RetentionConfig } from './operations-config';

export type DatabaseConfig = { type: 'sqlite'; path: string } | { type: 'postgres'; url: string; poolSize: number };

export const REAL_STM_API_URL = 'https://api.montevideo.gub.uy/api/transportepublico';
export const REAL_STM_TOKEN_URL = 'https://mvdapi-auth.montevideo.gub.uy/token';
/** Credentials the product presents to its own simulator; the simulator accepts any by default. */
const SIMULATOR_CREDENTIALS = { clientId: 'bus-tracker', clientSecret: 'simulator' };

export interface StmConfig {
  /** true when no STM credentials are set: the product talks to its built-in simulator. */
  simulated: boolean;
  clientId: string;
  clientSecret: string;
  credentialsIn: 'basic' | 'form';
  apiUrl: string;
  tokenUrl: string;
  /** Requests per second to the STM API, across every process of the installation. */
  maxRps: number;
  timeoutMs: number;
  /** Lines asked for in one `/buses?lines=a,b,c` request. */
  batchSize: number;
  /** Refusals of our credentials for less than this are a rotation or a passing fault, not a reason to fail. */
  credentialsRefusedSeconds: number;
}

/**
 * The typed, validated configuration. Injected by class token: `constructor(private config: AppConfig)`.
 */
export class AppConfig {
  /** Which process this is: the web app answers riders and must never wait long on Redis. */
  role: 'web' | 'worker' | 'cli' = 'cli';
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  database: DatabaseConfig;
  redisUrl: string;
  /** Redis key prefix of the queue; lets several installations (or test runs) share one Redis. */
  queuePrefix: string;
  stm: StmConfig;
  tracking: {
    intervalSeconds: number;
    idleMinutes: number;
    maxMinutes: number;
    /** Active trackings in all, and per client address (0 = no cap). */
    maxActive: number;
    maxActivePerClient: number;
    /** How long a finished tracking is kept at all. */
    retentionDays: number;
    /** Time a bus is expected to spend at each stop on its way to the tracked one (along-route ETA). */
    stopDwellSeconds: number;
  };
  queue: {
    /** Lock of a running tick; bounds how soon a killed worker's tick is taken over. */
    lockSeconds: number;
    stalledCheckSeconds: number;
  };
  worker: {
    concurrency: number;
    /** How often a worker checks that every active tracking has its pending tick. */
    reconcileSeconds: number;
  };
  /** Seconds between tick-statistics log lines of a worker (benchmarks); 0 = off. */
  tickStatsSeconds: number;
  adminToken?: string;
  logLevel: string;
  /** Where the product expects its simulator when no STM credentials are set. */
  simulator: { port: number };
  /** Live streams (SSE): seconds between keep-alive comments; caps per web process and per client address. */
  live: { heartbeatSeconds: number; maxStreams: number; maxStreamsPerClient: number };
  /** Operating it (logs, HTTP hardening, job retention, metrics): see operations-config.ts. */
  logFormat: OperationsConfig['logFormat'];
  http: HttpConfig;
  retention: RetentionConfig;
  metrics: OperationsConfig['metrics'];
  /** The page's map: raster tiles only when an operator sets them. */
  map: { tiles: { url: string; attribution: string } | null };
}

export function parseDatabaseUrl(url: string, poolSize = 10): DatabaseConfig {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    return { type: 'sqlite', path: file === ':memory:' ? file : resolve(file) };
  }
  return { type: 'postgres', url, poolSize };
}

export function buildAppConfig(env: EnvironmentVariables): AppConfig {
  const simulatorPort = env.SIMULATOR_PORT ?? 3001;
  const simulated = !env.STM_CLIENT_ID;
  const simulatorUrl = `http://127.0.0.1:${simulatorPort}`;
  return Object.assign(new AppConfig(), {
    nodeEnv: (env.NODE_ENV ?? 'development') as AppConfig['nodeEnv'],
    port: env.PORT ?? 3000,
    database: parseDatabaseUrl(env.DATABASE_URL ?? 'sqlite:data/bus-tracker.sqlite', env.DATABASE_POOL_SIZE),
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    queuePrefix: env.QUEUE_PREFIX ?? 'bus-tracker',
    stm: {
      simulated,
      clientId: env.STM_CLIENT_ID ?? SIMULATOR_CREDENTIALS.clientId,
      clientSecret: env.STM_CLIENT_SECRET ?? SIMULATOR_CREDENTIALS.clientSecret,
      credentialsIn: (env.STM_CREDENTIALS_IN ?? 'basic') as StmConfig['credentialsIn'],
      apiUrl: (env.STM_API_URL ?? (simulated ? `${simulatorUrl}/api/transportepublico` : REAL_STM_API_URL)).replace(
        /\/+$/,
        '',
      ),
      tokenUrl: env.STM_TOKEN_URL ?? (simulated ? `${simulatorUrl}/token` : REAL_STM_TOKEN_URL),
      // The city's quota is someone else's; our own simulator can take more.
      maxRps: env.STM_MAX_RPS ?? (simulated ? 50 : 5),
      timeoutMs: env.STM_TIMEOUT_MS ?? 10_000,
      batchSize: env.STM_BATCH_SIZE ?? 10,
      credentialsRefusedSeconds: env.STM_CREDENTIALS_REFUSED_SECONDS ?? 60,
    },
    tracking: {
      intervalSeconds: env.TRACKING_INTERVAL_SECONDS ?? 15,
      idleMinutes: env.TRACKING_IDLE_MINUTES ?? 5,
      maxMinutes: env.TRACKING_MAX_MINUTES ?? 120,
      // A tracking costs a row and a subscription, not work per tick: the caps are against abuse, not load.
      maxActive: env.MAX_ACTIVE_TRACKINGS ?? 100_000,
      maxActivePerClient: env.MAX_ACTIVE_TRACKINGS_PER_CLIENT ?? 20,
      retentionDays: env.TRACKING_RETENTION_DAYS ?? 30,
      stopDwellSeconds: env.ETA_STOP_DWELL_SECONDS ?? 20,
    },
    queue: { lockSeconds: env.QUEUE_LOCK_SECONDS ?? 15, stalledCheckSeconds: env.QUEUE_STALLED_CHECK_SECONDS ?? 5 },
    worker: { concurrency: env.WORKER_CONCURRENCY ?? 64, reconcileSeconds: env.RECONCILE_SECONDS ?? 30 },
    tickStatsSeconds: env.TICK_STATS_SECONDS ?? 0,
    adminToken: env.ADMIN_TOKEN,
    logLevel: env.LOG_LEVEL ?? 'log',
    simulator: { port: simulatorPort },
    live: {
      heartbeatSeconds: env.LIVE_HEARTBEAT_SECONDS ?? 15,
      // A few thousand streams is what one small web process holds comfortably (a socket and a
      // timer each); riders behind one carrier NAT share an address, so the per-client cap is not 1.
      maxStreams: env.LIVE_MAX_STREAMS ?? 2000,
      maxStreamsPerClient: env.LIVE_MAX_STREAMS_PER_CLIENT ?? 20,
    },
    map: {
      tiles: env.MAP_TILE_URL ? { url: env.MAP_TILE_URL, attribution: env.MAP_TILE_ATTRIBUTION ?? '' } : null,
    },
    ...buildOperationsConfig(env),
  });
}

/** Validates an environment map (process.env by default) into an AppConfig; throws naming bad variables. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  return buildAppConfig(validateEnvironment(env));
}
