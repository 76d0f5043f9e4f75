import { HttpService } from '@nestjs/axios';
import { Injectable, Logger } from '@nestjs/common';
import { isAxiosError } from 'axios';
import { randomUUID } from 'node:crypto';
import { firstValueFrom } from 'rxjs';
import { AppConfig } from '../../config/app-config';
import { RedisConnection } from '../../shared/redis.provider';
import { StmRateLimiter } from './stm-rate-limiter';
import { StmCredentialsError, StmUnavailableError } from './stm.errors';
import { retryAfterMs } from './upstream-backoff';
import { UpstreamGate } from './upstream-gate';

/** Renew this long before the token's own expiry, so no request goes out with a dying token. */
const RENEW_EARLY_MS = 30_000;
/** After the token endpoint refused this process's credentials, it leaves refreshing to others this long. */
export const REFUSED_BACKOFF_MS = 10_000;
/** A refusal is shown to operators (/health/ready) this long after the last one. */
const REFUSAL_SHOWN_MS = 10 * 60_000;

const TOKEN = 'stm:token';
const TOKEN_LOCK = 'stm:token:lock';
const TOKEN_FAILURE = 'stm:token:failure';
const POLL_MS = 50;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const DELETE_IF = "if redis.call('hget', KEYS[1], 'value') == ARGV[1] then return redis.call('del', KEYS[1]) end";
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end";

interface SharedToken {
  value: string;
  expiresAt: number;
}

interface TokenFailure {
  at: number;
  credentials: boolean;
  message: string;
}

/**
 * OAuth2 client-credentials tokens for the STM API, one token shared by every process through Redis
 * (SPEC §3.5). It is renewed ~30 s before it expires by one process at a time (a Redis lock); the others
 * wait for it and read it. A 401 drops it only if it is still the one that was refused, so a 401 seen by
 * many processes leads to one refresh. Token requests take their turn in the rate limit and honour the
 * shared backoff (UpstreamGate); 5xx and timeouts there close the gate like any other failure. A refusal
 * (400/401/403) is recorded as such, and this process leaves the next refreshes to the others for a while:
 * during a rotation, a process still holding the old secret does not keep asking with it.
 */
@Injectable()
export class StmTokenProvider {
  private readonly logger = new Logger(StmTokenProvider.name);
  private inFlight?: Promise<string>;
  private refusedUntil = 0;
  private refusedMessage = '';

  constructor(
    private readonly http: HttpService,
    private readonly config: AppConfig,
    private readonly redis: RedisConnection,
    private readonly limiter: StmRateLimiter,
    private readonly gate: UpstreamGate,
  ) {}

  async token(): Promise<string> {
    const shared = await this.read();
    if (shared && Date.now() < shared.expiresAt - RENEW_EARLY_MS) return shared.value;
    this.inFlight ??= this.obtain().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** Drops the shared token after a 401, unless another process has already replaced it. */
  async invalidate(rejected: string): Promise<void> {
    await this.redis.client.eval(DELETE_IF, 1, TOKEN, rejected);
  }

  /** A fresh token: from another process's refresh, or from this one's if it gets the lock. */
  private async obtain(): Promise<string> {
    const started = Date.now();
    const redis = this.redis.client;
    const lockMs = this.config.stm.timeoutMs + 2_000;
    const deadline = started + lockMs;
    for (;;) {
      const shared = await this.read();
      const now = Date.now();
      if (shared && now < shared.expiresAt - RENEW_EARLY_MS) return shared.value;
      await this.throwIfFailed(started);
      const usable = shared && now < shared.expiresAt ? shared.value : undefined;
      if (now < this.refusedUntil) {
        if (usable) return usable;
        throw new StmCredentialsError(this.refusedMessage);
      }
      if (now > deadline) {
        if (usable) return usable;
        throw new StmUnavailableError('no STM token in time (another process is refreshing it)');
      }
      const lock = randomUUID();
      if ((await redis.set(TOKEN_LOCK, lock, 'PX', lockMs, 'NX')) === 'OK') {
        try {
          return await this.refresh(started);
        } finally {
          await redis.eval(RELEASE, 1, TOKEN_LOCK, lock);
        }
      }
      await sleep(POLL_MS);
    }
  }

  /** Under the lock: asks the token endpoint (unless another process just did) and shares the answer. */
  private async refresh(since: number): Promise<string> {
    const shared = await this.read();
    if (shared && Date.now() < shared.expiresAt - RENEW_EARLY_MS) return shared.value;
    try {
      await this.gate.pass(0);
      await this.limiter.acquire();
      const token = await this.fetchToken();
      await this.gate.accepted();
      await this.gate.succeeded();
      return token;
    } catch (error) {
      let failure = error as Error;
      if (failure instanceof StmCredentialsError) {
        this.refusedUntil = Date.now() + REFUSED_BACKOFF_MS;
        this.refusedMessage = failure.message;
        await this.gate.refused(failure.message, REFUSAL_SHOWN_MS);
        this.logger.warn(`${failure.message}; leaving the next refresh to other processes for a while`);
      } else if (failure instanceof StmUnavailableError && failure.notBefore === undefined) {
        failure = await this.gate.failed(failure);
      }
      const record: TokenFailure = {
        at: Math.max(since, Date.now()),
        credentials: failure instanceof StmCredentialsError,
        message: failure.message,
      };
      await this.redis.client.set(TOKEN_FAILURE, JSON.stringify(record), 'PX', 5_000);
      throw failure;
    }
  }

  /** A refresh another process made since `since` failed: its waiters fail with it, without asking again. */
  private async throwIfFailed(since: number): Promise<void> {
    const value = await this.redis.client.get(TOKEN_FAILURE);
    const failure = value ? (JSON.parse(value) as TokenFailure) : undefined;
    if (!failure || failure.at < since) return;
    throw failure.credentials ? new StmCredentialsError(failure.message) : new StmUnavailableError(failure.message);
  }

  private async read(): Promise<SharedToken | null> {
    const [value, expiresAt] = await this.redis.client.hmget(TOKEN, 'value', 'expiresAt');
    return value && expiresAt ? { value, expiresAt: Number(expiresAt) } : null;
  }

  private async fetchToken(): Promise<string> {
    const { clientId, clientSecret, credentialsIn, tokenUrl, timeoutMs } = this.config.stm;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (credentialsIn === 'form') {
      form.set('client_id', clientId);
      form.set('client_secret', clientSecret);
    }
    try {
      const response = await firstValueFrom(
        this.http.post<{ access_token?: unknown; expires_in?: unknown }>(tokenUrl, form.toString(), {
          timeout: timeoutMs,
          signal: AbortSignal.timeout(timeoutMs),
          maxContentLength: 64 * 1024,
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          auth: credentialsIn === 'basic' ? { username: clientId, password: clientSecret } : undefined,
        }),
      );
      const { access_token: value, expires_in: expiresIn } = response.data ?? {};
      if (typeof value !== 'string' || !value)
        throw new StmUnavailableError('STM token endpoint answered without a token');
      const lifetimeS = typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : 300;
      const expiresAt = Date.now() + lifetimeS * 1000;
      await this.redis.client
        .multi()
        .del(TOKEN)
        .hset(TOKEN, 'value', value, 'expiresAt', String(expiresAt))
        .pexpireat(TOKEN, expiresAt)
        .exec();
      this.logger.debug(`New STM token, valid for ${lifetimeS} s`);
      return value;
    } catch (error) {
      throw describeTokenError(error);
    }
  }
}

/** Turns an axios failure into our errors without ever carrying the request (it holds the secret). */
function describeTokenError(error: unknown): Error {
  if (error instanceof StmUnavailableError) return error;
  if (isAxiosError(error)) {
    const status = error.response?.status;
    if (status === 400 || status === 401 || status === 403) {
      return new StmCredentialsError(`STM token endpoint rejected the client credentials (HTTP ${status})`);
    }
    const why = status
      ? `HTTP ${status}`
      : error.code === 'ERR_CANCELED' || error.code === 'ECONNABORTED'
        ? 'timed out'
        : (error.code ?? 'network error');
    const wait = status === 429 ? retryAfterMs(error.response?.headers?.['retry-after'], Date.now()) : undefined;
    return new StmUnavailableError(`STM token endpoint unavailable (${why})`, status, wait);
  }
  return new StmUnavailableError(`STM token request failed (${(error as Error)?.name ?? 'unknown error'})`);
}
