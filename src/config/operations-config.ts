import type { EnvironmentVariables } from './environment';

/** The HTTP app's hardening: rate limits, CORS, body size, proxies. */
export interface HttpConfig {
  /** Requests one client address may make to one route per `throttleTtlSeconds`; 0 turns the limit off. */
  throttleLimit: number;
  throttleTtlSeconds: number;
  /** Browser origins allowed to call the API (CORS); empty means same origin only, ['*'] means any. */
  corsOrigins: string[];
  bodyLimitKb: number;
  /** Express "trust proxy": where the client address comes from behind a reverse proxy. */
  trustProxy: boolean | number | string;
}

/** How long finished jobs stay in Redis (by age and by count), and how often a worker trims them. */
export interface RetentionConfig {
  completedHours: number;
  completedCount: number;
  failedHours: number;
  failedCount: number;
  sweepMinutes: number;
}

export interface OperationsConfig {
  /** json: one JSON object per line (production); pretty: readable lines (development). */
  logFormat: 'json' | 'pretty';
  http: HttpConfig;
  retention: RetentionConfig;
  /** How often a worker publishes its metrics to Redis, where the web app's /metrics reads them. */
  metrics: { pushSeconds: number };
}

export function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  return /^\d+$/.test(value) ? Number(value) : value;
}

export function parseCorsOrigins(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter(Boolean);
}

export function buildOperationsConfig(env: EnvironmentVariables): OperationsConfig {
  return {
    logFormat: (env.LOG_FORMAT ??
      (env.NODE_ENV === undefined || env.NODE_ENV === 'development' ? 'pretty' : 'json')) as 'json' | 'pretty',
    http: {
      // Per client address and per route: a rider's page polling its buses does not eat into its
      // start budget. 600 a minute is far above a person's use and well below a flood.
      throttleLimit: env.THROTTLE_LIMIT ?? 600,
      throttleTtlSeconds: env.THROTTLE_TTL_SECONDS ?? 60,
      corsOrigins: parseCorsOrigins(env.CORS_ORIGINS),
      // A start request is a few hundred bytes; nothing the API accepts comes near this.
      bodyLimitKb: env.HTTP_BODY_LIMIT_KB ?? 64,
      trustProxy: parseTrustProxy(env.TRUST_PROXY),
    },
    retention: {
      // Completed ticks only matter for a while (debugging); a busy day would otherwise grow Redis.
      completedHours: env.RETENTION_COMPLETED_HOURS ?? 1,
      completedCount: env.RETENTION_COMPLETED_COUNT ?? 1000,
      // Failed ticks stay a week, so an operator can see what went wrong and why.
      failedHours: env.RETENTION_FAILED_HOURS ?? 168,
      failedCount: env.RETENTION_FAILED_COUNT ?? 5000,
      sweepMinutes: env.RETENTION_SWEEP_MINUTES ?? 10,
    },
    metrics: { pushSeconds: env.METRICS_PUSH_SECONDS ?? 5 },
  };
}
