import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import pino, { Level, Logger, LoggerOptions } from 'pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import type { AppConfig } from '../config/app-config';
import { knownSecrets, REDACTED, redactUrl, secretScrubber } from './secret-scrubber';

export type ProcessRole = 'web' | 'worker';

/** LOG_LEVEL speaks Nest's names (the most verbose level wanted); pino has its own. */
const PINO_LEVEL: Record<string, Level> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  info: 'info',
  debug: 'debug',
  verbose: 'trace',
};

export function pinoLevel(logLevel: string): Level {
  return PINO_LEVEL[logLevel] ?? 'info';
}

/** Header and field paths that hold credentials; cut out of any object that is logged. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'req.query.token',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.Authorization',
  'config.auth',
  'config.headers.Authorization',
  'config.data',
  '*.clientSecret',
  '*.client_secret',
  '*.password',
  '*.access_token',
  '*.adminToken',
];

/** Probes and scrapes would drown the request log. */
const QUIET_PATHS = /^\/(health(\/ready)?|metrics)(\?|$)/;

function prettyAvailable(): boolean {
  try {
    // A development dependency: a production install (npm ci --omit=dev) falls back to JSON.
    require.resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

/**
 * The process's one pino logger: JSON lines in production, readable lines in development; never a secret.
 * JSON lines go to stdout asynchronously: a line is handed to the kernel with the others written meanwhile
 * instead of one blocking write(2) per line, which on a busy web process was a large share of each request's
 * cost (docs/performance.md). Pino flushes what is left when the process exits, crashes included.
 */
export function createRootLogger(config: AppConfig, role: ProcessRole): Logger {
  const options = rootLoggerOptions(config, role);
  return options.transport ? pino(options) : pino(options, pino.destination({ dest: 1, sync: false }));
}

/** The options of the root logger (separate from its creation so tests can log into a buffer). */
export function rootLoggerOptions(config: AppConfig, role: ProcessRole): LoggerOptions {
  const scrub = secretScrubber(knownSecrets(config));
  const options: LoggerOptions = {
    level: pinoLevel(config.logLevel),
    base: { process: role, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    formatters: {
      level: (label) => ({ level: label }),
    },
    // The finished line, however its parts came (message, objects, errors, their stacks), is searched for
    // every secret this process knows: one pass over a string, where walking every logged object (a request,
    // a response) cost a share of each request on a busy web process.
    hooks: { streamWrite: scrub },
  };
  if (config.logFormat === 'pretty' && prettyAvailable()) {
    options.transport = {
      target: 'pino-pretty',
      options: {
        singleLine: true,
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'pid,hostname,process,context,reqId,req,res,responseTime,trackingId,seq,delayMs',
        messageFormat: '{if context}[{context}] {end}{msg}',
      },
    };
  }
  return options;
}

type Req = IncomingMessage & { originalUrl?: string; id?: unknown };

/** Request logging (pino-http): one line per request with method, path, status and time; no headers. */
export function httpLoggingOptions(logger: Logger): PinoHttpOptions {
  return {
    logger,
    quietReqLogger: true,
    genReqId: (req, res) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    autoLogging: { ignore: (req) => QUIET_PATHS.test((req as Req).originalUrl ?? req.url ?? '') },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: (req, res, responseTime) =>
      `${req.method} ${redactUrl((req as Req).originalUrl ?? req.url ?? '')} ${res.statusCode} ${Math.round(responseTime)} ms`,
    customErrorMessage: (req, res, error) =>
      `${req.method} ${redactUrl((req as Req).originalUrl ?? req.url ?? '')} ${res.statusCode}: ${error.message}`,
    serializers: {
      req: (req: { id?: unknown; method?: string; url?: string; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url ?? ''),
        remoteAddress: req.remoteAddress,
      }),
      // The serialized response says null until headers are sent; the raw one has the real status.
      res: (res: { statusCode?: number | null; raw?: ServerResponse }) => ({
        statusCode: res.raw?.statusCode ?? res.statusCode,
      }),
    },
  };
}
