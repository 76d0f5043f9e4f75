import { HttpService } from '@nestjs/axios';
import { Injectable, Logger } from '@nestjs/common';
import { AxiosResponse, isAxiosError } from 'axios';
import { firstValueFrom } from 'rxjs';
import { AppConfig } from '../../config/app-config';
import { StmRateLimiter } from './stm-rate-limiter';
import { StmTokenProvider } from './stm-token.provider';
import { retryAfterMs } from './upstream-backoff';
import { UpstreamGate } from './upstream-gate';
import { UpstreamSkips } from './upstream-skips';
import { StmBadResponseError, StmUnavailableError } from './stm.errors';
import {
  busParser,
  feedClock,
  parseList,
  parseStop,
  parseStopLine,
  parseUpcomingBus,
  parseVariant,
  StopRecord,
  VariantRecord,
} from './stm.parse';
import { BusReport, Parsed, StopLine, UpcomingBus } from './stm.types';

/** Retries inside one call for timeouts, network errors, 5xx and 429, while the shared backoff is short. */
const MAX_RETRIES = 2;
/** A shared backoff (or Retry-After) longer than this is not waited out inside a call: it fails at once. */
const MAX_INLINE_WAIT_MS = 2_000;
/** `/buses/busstops` (the whole catalogue) is about 1 MB; an answer beyond this is not read. */
export const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
const BASE_BACKOFF_MS = 250;
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
    private readonly gate: UpstreamGate,
    private readonly config: AppConfig,
    private readonly skips: UpstreamSkips = new UpstreamSkips(),
  ) {}

  /** Obtains a token: proves the upstream answers and takes our credentials. */
  async checkAccess(): Promise<void> {
    await this.tokens.token();
  }

  /** Live positions of the given lines, optionally narrowed to some variants. */
  async getBuses(lines: string[], variantIds: number[] = []): Promise<Parsed<BusReport>> {
    const params: Record<string, string> = { lines: lines.join(',') };
    if (variantIds.length) params.lineVariantIds = variantIds.join(',');
    const response = await this.get('/buses', params);
    const reference = Math.max(Date.now(), feedClock(response.data) ?? 0);
    return this.parsed(response, busParser(() => reference), 'buses');
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
    if (result.skipped) {
      this.skips.record(result.reasons);
      this.logger.warn(`STM ${what}: skipped ${result.skipped} bad item(s): ${result.problems.join('; ')}`);
    }
    return result;
  }

  /**
   * GET with the shared token, inside the shared backoff (UpstreamGate): nothing goes out while the gate is
   * closed for longer than a short wait; a transient failure closes it for every process (Retry-After, or
   * the backoff), and is retried here only while that wait is short. One token refresh on 401. Each request
   * has a total deadline (STM_TIMEOUT_MS, not only an idle-socket timeout) and a size cap.
   */
  private async get(path: string, params?: Record<string, string>): Promise<AxiosResponse> {
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      await this.gate.pass(MAX_INLINE_WAIT_MS);
      const token = await this.tokens.token();
      await this.limiter.acquire();
      const { timeoutMs } = this.config.stm;
      try {
        const response = await firstValueFrom(
          this.http.get(this.config.stm.apiUrl + path, {
            params,
            timeout: timeoutMs,
            signal: AbortSignal.timeout(timeoutMs),
            maxContentLength: MAX_RESPONSE_BYTES,
            headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
          }),
        );
        await this.gate.succeeded();
        return response;
      } catch (error) {
        const failure = describeError(error, path);
        if (failure.status === 401 && !refreshed) {
          refreshed = true;
          await this.tokens.invalidate(token);
          attempt--; // the refresh is not a retry of a transient failure
          continue;
        }
        // A 401 with a fresh token, or a 403, is the API's doing, not the credentials': the token endpoint
        // took them. It is waited out like any other failure of the API.
        if (!(failure instanceof StmUnavailableError)) throw failure;
        const recorded = await this.gate.failed(failure);
        if (attempt >= MAX_RETRIES) throw recorded;
      }
    }
  }
}

/** Axios errors carry the request config (with the bearer token): keep only what is safe to show. */
function describeError(error: unknown, path: string): StmUnavailableError | StmBadResponseError {
  if (!isAxiosError(error)) return new StmUnavailableError(`STM ${path} failed (${(error as Error)?.name ?? 'error'})`);
  const status = error.response?.status;
  if (status === undefined) {
    if (/maxContentLength/.test(error.message))
      return new StmBadResponseError(`STM ${path} answered more than ${MAX_RESPONSE_BYTES} bytes`);
    const timedOut = ['ECONNABORTED', 'ETIMEDOUT', 'ERR_CANCELED'].includes(error.code ?? '');
    return new StmUnavailableError(`STM ${path} ${timedOut ? 'timed out' : (error.code ?? 'network error')}`);
  }
  if (status === 429) {
    const wait = retryAfterMs(error.response?.headers?.['retry-after'], Date.now());
    return new StmUnavailableError(`STM ${path} rate limited (HTTP 429)`, status, wait);
  }
  if (status >= 500 || status === 401 || status === 403)
    return new StmUnavailableError(`STM ${path} HTTP ${status}`, status);
  return new StmBadResponseError(`STM ${path} answered HTTP ${status}`, status);
}
