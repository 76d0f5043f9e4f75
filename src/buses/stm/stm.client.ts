import { HttpService } from '@nestjs/axios';
import { Injectable, Logger } from '@nestjs/common';
import { AxiosResponse, isAxiosError } from 'axios';
import { firstValueFrom } from 'rxjs';
import { AppConfig } from '../../config/app-config';
import { StmRateLimiter } from './stm-rate-limiter';
import { StmTokenProvider } from './stm-token.provider';
import { StmBadResponseError, StmCredentialsError, StmUnavailableError } from './stm.errors';
import {
  parseBus,
  parseList,
  parseStop,
  parseStopLine,
  parseUpcomingBus,
  parseVariant,
  StopRecord,
  VariantRecord,
} from './stm.parse';
import { BusReport, Parsed, StopLine, UpcomingBus } from './stm.types';

/** Retries for timeouts, network errors, 5xx and 429, each after a jittered backoff. */
const MAX_RETRIES = 2;
const BASE_BACKOFF_MS = 250;
/** A Retry-After longer than this is not waited out inside a tick; the next tick will try again. */
const MAX_RETRY_AFTER_MS = 5_000;
/** `/buses/busstops` sometimes answers 204 for a moment; it is retried this many times. */
const EMPTY_CATALOGUE_RETRIES = 3;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The city's public transport API (SPEC §3.5): typed methods over its endpoints, with token
 * handling, timeouts, retries and defensive parsing. Malformed items are skipped and counted.
 */
@Injectable()
export class StmClient {
  private readonly logger = new Logger(StmClient.name);

  constructor(
    private readonly http: HttpService,
    private readonly tokens: StmTokenProvider,
    private readonly limiter: StmRateLimiter,
    private readonly config: AppConfig,
  ) {}

  /** Obtains a token: proves the upstream answers and takes our credentials. */
  async checkAccess(): Promise<void> {
    await this.tokens.token();
  }

  /** Live positions of the given lines, optionally narrowed to some variants. */
  async getBuses(lines: string[], variantIds: number[] = []): Promise<Parsed<BusReport>> {
    const params: Record<string, string> = { lines: lines.join(',') };
    if (variantIds.length) params.lineVariantIds = variantIds.join(',');
    return this.parsed(await this.get('/buses', params), parseBus, 'buses');
  }

  async getBusStops(): Promise<Parsed<StopRecord>> {
    for (let attempt = 0; ; attempt++) {
      const response = await this.get('/buses/busstops');
      if (response.status !== 204 || attempt >= EMPTY_CATALOGUE_RETRIES) {
        return this.parsed(response, parseStop, 'busstops');
      }
      await sleep(BASE_BACKOFF_MS * 2 ** attempt);
    }
  }

  async getStopLines(stopId: number): Promise<Parsed<StopLine>> {
    return this.parsed(await this.get(`/buses/busstops/${stopId}/lines`), parseStopLine, 'lines');
  }

  async getUpcomingBuses(stopId: number, lines: string[], amountPerLine = 3): Promise<Parsed<UpcomingBus>> {
    const params = { lines: lines.join(','), amountperline: String(amountPerLine) };
    const response = await this.get(`/buses/busstops/${stopId}/upcomingbuses`, params);
    return this.parsed(response, parseUpcomingBus, 'upcomingbuses');
  }

  async getLineVariants(): Promise<Parsed<VariantRecord>> {
    return this.parsed(await this.get('/buses/linevariants'), parseVariant, 'linevariants');
  }

  private parsed<T>(response: AxiosResponse, parse: Parameters<typeof parseList<T>>[1], what: string): Parsed<T> {
    let result: Parsed<T>;
    try {
      result = parseList(response.status === 204 ? null : response.data, parse, what);
    } catch (error) {
      throw new StmBadResponseError(`STM ${what}: ${(error as Error).message}`);
    }
    if (result.skipped)
      this.logger.warn(`STM ${what}: skipped ${result.skipped} malformed item(s): ${result.problems.join('; ')}`);
    return result;
  }

  /** GET with a bearer token: one token refresh on 401, retries for transient failures. */
  private async get(path: string, params?: Record<string, string>): Promise<AxiosResponse> {
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      const token = await this.tokens.token();
      await this.limiter.acquire();
      try {
        return await firstValueFrom(
          this.http.get(this.config.stm.apiUrl + path, {
            params,
            timeout: this.config.stm.timeoutMs,
            headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
          }),
        );
      } catch (error) {
        const failure = describeError(error, path);
        if (failure.status === 401 && !refreshed) {
          refreshed = true;
          this.tokens.invalidate(token);
          attempt--; // the refresh is not a retry of a transient failure
          continue;
        }
        if (failure.status === 401 || failure.status === 403) {
          throw new StmCredentialsError(`STM API refused our credentials on ${path} (HTTP ${failure.status})`);
        }
        if (!(failure instanceof StmUnavailableError) || attempt >= MAX_RETRIES) throw failure;
        const backoff = failure.retryAfterMs ?? BASE_BACKOFF_MS * 2 ** attempt * (0.5 + Math.random());
        if (backoff > MAX_RETRY_AFTER_MS) throw failure;
        await sleep(backoff);
      }
    }
  }
}

/** Axios errors carry the request config (with the bearer token): keep only what is safe to show. */
function describeError(error: unknown, path: string): StmUnavailableError | StmBadResponseError {
  if (!isAxiosError(error)) return new StmUnavailableError(`STM ${path} failed (${(error as Error)?.name ?? 'error'})`);
  const status = error.response?.status;
  if (status === undefined) {
    const why =
      error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT' ? 'timed out' : (error.code ?? 'network error');
    return new StmUnavailableError(`STM ${path} ${why}`);
  }
  if (status === 429) {
    const header = Number(error.response?.headers?.['retry-after']);
    const retryAfterMs = Number.isFinite(header) && header >= 0 ? header * 1000 : undefined;
    return new StmUnavailableError(`STM ${path} rate limited (HTTP 429)`, status, retryAfterMs);
  }
  if (status >= 500 || status === 401 || status === 403)
    return new StmUnavailableError(`STM ${path} HTTP ${status}`, status);
  return new StmBadResponseError(`STM ${path} answered HTTP ${status}`, status);
}
