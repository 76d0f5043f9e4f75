import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { AppConfig } from '../config/app-config';
import { WorkerRegistry, WORKER_TTL_MS } from '../queue/worker-registry';
import { withDeadline } from '../shared/deadline';
import { RedisConnection } from '../shared/redis.provider';
import { UpstreamGate } from '../buses/stm/upstream-gate';

/** A probe that does not answer in this time counts as down: readiness must answer quickly itself. */
export const PROBE_TIMEOUT_MS = 2_000;
/** The upstream is someone else's service: ask it at most this often, whatever the probe rate. */
const UPSTREAM_CACHE_MS = 10_000;

/** The readiness checks of our own infrastructure and the upstream, each under its own name. */
@Injectable()
export class InfrastructureHealth {
  private upstreamCache?: { at: number; result: HealthIndicatorResult };

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly redis: RedisConnection,
    private readonly workers: WorkerRegistry,
    private readonly config: AppConfig,
    private readonly gate: UpstreamGate,
  ) {}

  async redisCheck(key = 'redis'): Promise<HealthIndicatorResult> {
    const check = this.indicators.check(key);
    try {
      const started = Date.now();
      await withDeadline(this.redis.client.ping(), PROBE_TIMEOUT_MS, 'Redis');
      return check.up({ responseTimeMs: Date.now() - started });
    } catch (error) {
      return check.down({ message: (error as Error).message });
    }
  }

  /** At least one worker with a heartbeat younger than WORKER_TTL_MS. */
  async workersCheck(key = 'workers'): Promise<HealthIndicatorResult> {
    const check = this.indicators.check(key);
    try {
      const live = await withDeadline(this.workers.liveWorkers(), PROBE_TIMEOUT_MS, 'Redis');
      if (live.length) return check.up({ alive: live.length });
      return check.down({
        alive: 0,
        message:
          `no worker has sent a heartbeat in the last ${WORKER_TTL_MS / 1000} s: ticks are not running; ` +
          'start one with `npm run start:worker` (or `node dist/worker`)',
      });
    } catch (error) {
      return check.down({ message: `could not read worker heartbeats: ${(error as Error).message}` });
    }
  }

  /**
   * The simulator's /health, or for the real API the token endpoint answering at all (any HTTP
   * status below 500: a GET there is refused, but it proves the host is up), without credentials.
   */
  async upstreamCheck(key = 'upstream'): Promise<HealthIndicatorResult> {
    const check = this.indicators.check(key);
    const known = await this.knownTrouble(check);
    if (known) return known;
    const cached = this.upstreamCache;
    if (cached && Date.now() - cached.at < UPSTREAM_CACHE_MS) return cached.result;
    const { simulated, tokenUrl } = this.config.stm;
    const origin = new URL(tokenUrl).origin;
    const target = simulated ? `${origin}/health` : tokenUrl;
    const kind = simulated ? 'simulator' : 'stm';
    let result: HealthIndicatorResult;
    try {
      const response = await fetch(target, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS), redirect: 'manual' });
      await response.body?.cancel();
      const ok = simulated ? response.ok : response.status < 500;
      result = ok
        ? check.up({ kind, url: origin })
        : check.down({ kind, url: origin, message: `${target} answered HTTP ${response.status}` });
    } catch (error) {
      const why = (error as Error).name === 'TimeoutError' ? `no answer within ${PROBE_TIMEOUT_MS} ms` : 'unreachable';
      const advice = simulated ? '; start it with `npm run sim`' : '';
      result = check.down({ kind, url: origin, message: `${target} ${why}${advice}` });
    }
    this.upstreamCache = { at: Date.now(), result };
    return result;
  }

  /**
   * What the workers' own requests found, shared in Redis (UpstreamGate): credentials refused by the token
   * endpoint, or requests held back by a Retry-After or the backoff after failures. Null when all is well.
   */
  private async knownTrouble(check: ReturnType<HealthIndicatorService['check']>): Promise<HealthIndicatorResult | null> {
    const [refusal, gate] = await withDeadline(
      Promise.all([this.gate.refusal(), this.gate.state()]),
      PROBE_TIMEOUT_MS,
      'Redis',
    ).catch(() => [null, null] as const);
    const url = new URL(this.config.stm.tokenUrl).origin;
    if (refusal) {
      return check.down({
        url,
        cause: 'credentials_refused',
        since: new Date(refusal.since).toISOString(),
        message: `${refusal.cause} (last at ${new Date(refusal.at).toISOString()}): check STM_CLIENT_ID and STM_CLIENT_SECRET`,
      });
    }
    if (gate && gate.notBefore > Date.now()) {
      return check.down({
        url,
        cause: 'backing_off',
        since: new Date(gate.since).toISOString(),
        nextAttemptAt: new Date(gate.notBefore).toISOString(),
        failuresInARow: gate.failures,
        message: `requests held back after: ${gate.cause}`,
      });
    }
    return null;
  }
}
