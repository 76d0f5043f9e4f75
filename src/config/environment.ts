// Read by the decorators below: the variables' declared types drive the conversion from text.
import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
  ValidationError,
} from 'class-validator';

/**
 * Every environment variable the product reads, with its rules. Validated once at start
 * (see loadConfig); nothing else in the code reads process.env.
 */
export class EnvironmentVariables {
  @IsOptional()
  @IsIn(['development', 'production', 'test'])
  NODE_ENV?: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT?: number;

  @IsOptional()
  @IsString()
  @Matches(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, {
    message: 'DATABASE_URL must be sqlite:<file path> or postgres://user:pass@host:port/db',
  })
  DATABASE_URL?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(500)
  DATABASE_POOL_SIZE?: number;

  @IsOptional()
  @IsString()
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must look like redis://host:port[/db]' })
  REDIS_URL?: string;

  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]+$/, {
    message: 'QUEUE_PREFIX may only hold letters, digits, "_" and "-"',
  })
  QUEUE_PREFIX?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  STM_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  STM_CLIENT_SECRET?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true })
  STM_API_URL?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true })
  STM_TOKEN_URL?: string;

  @IsOptional()
  @IsIn(['basic', 'form'])
  STM_CREDENTIALS_IN?: string;

  @IsOptional()
  @IsNumber()
  @Min(0.1)
  @Max(1000)
  STM_MAX_RPS?: number;

  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(60000)
  STM_TIMEOUT_MS?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50)
  STM_BATCH_SIZE?: number;

  /** How long the STM API must refuse our credentials, poll after poll, before trackings fail. */
  @IsOptional()
  @IsNumber()
  @Min(1)
  @Max(86_400)
  STM_CREDENTIALS_REFUSED_SECONDS?: number;

  @IsOptional()
  @IsNumber()
  @Min(0.05)
  @Max(3600)
  TRACKING_INTERVAL_SECONDS?: number;

  @IsOptional()
  @IsNumber()
  @Min(0.01)
  @Max(1440)
  TRACKING_IDLE_MINUTES?: number;

  @IsOptional()
  @IsNumber()
  @Min(0.01)
  @Max(10080)
  TRACKING_MAX_MINUTES?: number;

  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(600)
  ETA_STOP_DWELL_SECONDS?: number;

  /** 0: no cap. */
  @IsOptional()
  @IsInt()
  @Min(0)
  MAX_ACTIVE_TRACKINGS?: number;

  /** 0: no cap. */
  @IsOptional()
  @IsInt()
  @Min(0)
  MAX_ACTIVE_TRACKINGS_PER_CLIENT?: number;

  /** Days a finished tracking is kept before it is deleted. */
  @IsOptional()
  @IsNumber()
  @Min(0.001)
  @Max(36_500)
  TRACKING_RETENTION_DAYS?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  WORKER_CONCURRENCY?: number;

  @IsOptional()
  @IsNumber()
  @Min(0.1)
  @Max(3600)
  RECONCILE_SECONDS?: number;

  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(3600)
  TICK_STATS_SECONDS?: number;

  @IsOptional()
  @IsNumber()
  @Min(1)
  @Max(600)
  QUEUE_LOCK_SECONDS?: number;

  @IsOptional()
  @IsNumber()
  @Min(0.5)
  @Max(600)
  QUEUE_STALLED_CHECK_SECONDS?: number;

  @IsOptional()
  @IsString()
  @MinLength(16, {
    message: 'ADMIN_TOKEN must be at least 16 characters long',
  })
  ADMIN_TOKEN?: string;

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'log', 'info', 'debug', 'verbose'])
  LOG_LEVEL?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  SIMULATOR_PORT?: number;

  @IsOptional()
  @IsIn(['true', 'false'])
  SIMULATOR_EMBEDDED?: string;

  /** Seconds between two keep-alive comments on a live stream (SSE), so proxies keep it open. */
  @IsOptional()
  @IsNumber()
  @Min(0.05)
  @Max(300)
  LIVE_HEARTBEAT_SECONDS?: number;

  /** Live streams one web process holds at once; one more is answered 503. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  LIVE_MAX_STREAMS?: number;

  /** Live streams one client address may hold at once on one web process; one more is answered 429. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  LIVE_MAX_STREAMS_PER_CLIENT?: number;

  // --- operating it (docs/operations.md) ---

  @IsOptional()
  @IsIn(['json', 'pretty'])
  LOG_FORMAT?: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  THROTTLE_LIMIT?: number;

  @IsOptional()
  @IsNumber()
  @Min(1)
  @Max(86_400)
  THROTTLE_TTL_SECONDS?: number;

  @IsOptional()
  @IsString()
  @Matches(/^\s*(\*|https?:\/\/[^\s,/]+\/?(\s*,\s*https?:\/\/[^\s,/]+\/?)*)\s*$/, {
    message: 'CORS_ORIGINS must be * or a comma-separated list of origins such as https://example.com',
  })
  CORS_ORIGINS?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_240)
  HTTP_BODY_LIMIT_KB?: number;

  @IsOptional()
  @IsString()
  @Matches(/^(true|false|\d+|[A-Za-z0-9.:/, ]+)$/, {
    message: 'TRUST_PROXY must be true, false, a number of proxy hops, or addresses/subnets such as loopback',
  })
  TRUST_PROXY?: string;

  @IsOptional()
  @IsNumber()
  @Min(0.0001)
  @Max(8_760)
  RETENTION_COMPLETED_HOURS?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  RETENTION_COMPLETED_COUNT?: number;

  @IsOptional()
  @IsNumber()
  @Min(0.0001)
  @Max(8_760)
  RETENTION_FAILED_HOURS?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  RETENTION_FAILED_COUNT?: number;

  @IsOptional()
  @IsNumber()
  @Min(0.01)
  @Max(1_440)
  RETENTION_SWEEP_MINUTES?: number;

  @IsOptional()
  @IsNumber()
  @Min(0.1)
  @Max(300)
  METRICS_PUSH_SECONDS?: number;

  /** Raster tiles under the page's map (off by default: the map draws our own road geometry). */
  @IsOptional()
  @IsString()
  @Matches(/^https:\/\/[^\s"'<>]*\{z\}[^\s"'<>]*\{x\}[^\s"'<>]*\{y\}[^\s"'<>]*$/, {
    message:
      'MAP_TILE_URL must be an https URL template with {z}, {x} and {y}, such as https://tiles.example.org/{z}/{x}/{y}.png',
  })
  MAP_TILE_URL?: string;

  @IsOptional()
  @IsString()
  @Matches(/^[^<>]{1,300}$/, { message: 'MAP_TILE_ATTRIBUTION must be plain text (no < or >), at most 300 characters' })
  MAP_TILE_ATTRIBUTION?: string;
}

/** Never echoed back in a validation message. */
const SECRET_VARIABLES = new Set(['STM_CLIENT_SECRET', 'ADMIN_TOKEN', 'DATABASE_URL', 'REDIS_URL']);

function describe(errors: ValidationError[], raw: Record<string, string>): string[] {
  return errors.flatMap((e) => {
    const got =
      raw[e.property] === undefined || SECRET_VARIABLES.has(e.property)
        ? ''
        : ` (got ${JSON.stringify(raw[e.property])})`;
    return Object.values(e.constraints ?? {}).map((m) => `${m}${got}`);
  });
}

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigValidationError';
  }
}

/** Parses and validates raw environment values; throws ConfigValidationError naming each bad variable. */
export function validateEnvironment(env: Record<string, string | undefined>): EnvironmentVariables {
  // An empty variable (FOO= in .env) means "use the default", as in most tools.
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(env))
    if (value !== undefined && value.trim() !== '') raw[key] = value.trim();
  const parsed = plainToInstance(EnvironmentVariables, raw, {
    enableImplicitConversion: true,
    excludeExtraneousValues: false,
  });
  const problems = describe(validateSync(parsed, { skipMissingProperties: false, forbidUnknownValues: false }), raw);
  // Credentials come in pairs; one without the other is almost certainly a typo.
  if (Boolean(parsed.STM_CLIENT_ID) !== Boolean(parsed.STM_CLIENT_SECRET)) {
    problems.push('STM_CLIENT_ID and STM_CLIENT_SECRET must be set together (or neither, to use the simulator)');
  }
  // Tiles are someone's work: they are shown with their credit, or not at all.
  if (parsed.MAP_TILE_URL && !parsed.MAP_TILE_ATTRIBUTION) {
    problems.push('MAP_TILE_ATTRIBUTION must be set with MAP_TILE_URL (the credit the tile provider asks for)');
  }
  if (problems.length) throw new ConfigValidationError(problems);
  return parsed;
}
