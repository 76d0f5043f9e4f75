import { Injectable, Logger } from '@nestjs/common';
import { RedisConnection } from '../../shared/redis.provider';
import { AppConfig } from '../../config/app-config';
import { backoffCapMs, backoffMs } from './upstream-backoff';
import { StmUnavailableError } from './stm.errors';

/** What every process knows about the city's API lately (one Redis key, shared). */
export interface GateState {
  /** No request before this time (epoch ms): a Retry-After, or the backoff after failures in a row. */
  notBefore: number;
  /** Failures in a row (each one doubles the backoff); reset by a success. */
  failures: number;
  /** Since when requests fail (epoch ms). */
  since: number;
  /** The last failure's message (never secrets: see StmClient's describeError). */
  cause: string;
}

/** Credentials refused by the token endpoint: since when, and its answer. */
export interface CredentialsRefusal {
  since: number;
  at: number;
  cause: string;
}

const GATE = 'stm:gate';
const REFUSED = 'stm:credentials-refused';
/** The failure count outlives the wait a while, so failures a little apart still escalate the backoff. */
const REMEMBER_FAILURES_MS = 10 * 60_000;

/**
 * The "not before" every process honours before it sends anything to the STM API (SPEC §3.5): set by a
 * 429's Retry-After (seconds or HTTP date, however long) or by jittered exponential backoff after 5xx,
 * timeouts and connection errors, capped at two minutes (or eight intervals); cleared by the next success. Kept in Redis so a
 * Retry-After seen by one worker holds every other back too. If Redis does not answer, requests go ahead
 * (as with the rate limiter): the backoff is a courtesy, Redis trouble is reported elsewhere.
 */
@Injectable()
export class UpstreamGate {
  private readonly logger = new Logger(UpstreamGate.name);
  /** Whether this process last saw the gate closed: a success then clears it (one DEL, not one per request). */
  private sawTrouble = true;

  constructor(
    private readonly redis: RedisConnection,
    private readonly config: AppConfig,
  ) {}

  async state(): Promise<GateState | null> {
    try {
      const value = await this.redis.client.get(GATE);
      return value ? (JSON.parse(value) as GateState) : null;
    } catch (error) {
      this.logger.warn(`Upstream gate unavailable (${(error as Error).message}); sending without it`);
      return null;
    }
  }

  /**
   * Resolves when a request may go out, waiting at most `maxWaitMs`; past that throws StmUnavailableError
   * carrying the not-before, without any request.
   */
  async pass(maxWaitMs: number): Promise<void> {
    const state = await this.state();
    const waitMs = state ? state.notBefore - Date.now() : 0;
    if (waitMs <= 0) return;
    this.sawTrouble = true;
    if (waitMs > maxWaitMs) {
      throw new StmUnavailableError(
        `STM API held off until ${new Date(state!.notBefore).toISOString()} (${state!.cause})`,
        undefined,
        undefined,
        state!.notBefore,
      );
    }
    await new Promise((r) => setTimeout(r, waitMs));
  }

  /** Records a transient failure; answers the error with the not-before it set. */
  async failed(error: StmUnavailableError): Promise<StmUnavailableError> {
    const now = Date.now();
    this.sawTrouble = true;
    try {
      const before = await this.state();
      const failures = (before?.failures ?? 0) + 1;
      const capMs = backoffCapMs(this.config.tracking.intervalSeconds * 1000);
      const waitMs = error.retryAfterMs ?? backoffMs(failures, Math.random(), capMs);
      const state: GateState = {
        notBefore: Math.max(now + waitMs, before?.notBefore ?? 0),
        failures,
        since: before?.since ?? now,
        cause: error.message,
      };
      await this.redis.client.set(GATE, JSON.stringify(state), 'PX', state.notBefore - now + REMEMBER_FAILURES_MS);
      return new StmUnavailableError(error.message, error.status, error.retryAfterMs, state.notBefore);
    } catch (redisError) {
      this.logger.warn(`Could not record the upstream failure (${(redisError as Error).message})`);
      return error;
    }
  }

  /** A request went through: the backoff starts over. */
  async succeeded(): Promise<void> {
    if (!this.sawTrouble) return;
    this.sawTrouble = false;
    await this.redis.client.del(GATE).catch(() => (this.sawTrouble = true));
  }

  async refusal(): Promise<CredentialsRefusal | null> {
    const value = await this.redis.client.get(REFUSED).catch(() => null);
    return value ? (JSON.parse(value) as CredentialsRefusal) : null;
  }

  /** The token endpoint refused our credentials (kept for the operator, see /health/ready). */
  async refused(cause: string, keepMs: number): Promise<void> {
    const now = Date.now();
    const before = await this.refusal();
    const refusal: CredentialsRefusal = { since: before?.since ?? now, at: now, cause };
    await this.redis.client.set(REFUSED, JSON.stringify(refusal), 'PX', keepMs).catch(() => undefined);
  }

  /** The token endpoint issued a token. */
  async accepted(): Promise<void> {
    await this.redis.client.del(REFUSED).catch(() => undefined);
  }
}
