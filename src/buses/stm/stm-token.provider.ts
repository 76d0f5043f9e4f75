import { HttpService } from '@nestjs/axios';
import { Injectable, Logger } from '@nestjs/common';
import { isAxiosError } from 'axios';
import { firstValueFrom } from 'rxjs';
import { AppConfig } from '../../config/app-config';
import { Clock } from '../../shared/clock';
import { StmCredentialsError, StmUnavailableError } from './stm.errors';

/** Renew this long before the token's own expiry, so no request goes out with a dying token. */
const RENEW_EARLY_MS = 30_000;

interface CachedToken {
  value: string;
  expiresAt: number;
}

/**
 * OAuth2 client-credentials tokens for the STM API. One request at a time per process; callers
 * that arrive while a refresh is in flight share it.
 */
@Injectable()
export class StmTokenProvider {
  private readonly logger = new Logger(StmTokenProvider.name);
  private cached?: CachedToken;
  private inFlight?: Promise<CachedToken>;

  constructor(
    private readonly http: HttpService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async token(): Promise<string> {
    if (this.cached && this.clock.now().getTime() < this.cached.expiresAt - RENEW_EARLY_MS) return this.cached.value;
    return (await this.refresh()).value;
  }

  /** Drops the cached token (after a 401) so the next call fetches a new one. */
  invalidate(rejected: string): void {
    if (this.cached?.value === rejected) this.cached = undefined;
  }

  private refresh(): Promise<CachedToken> {
    this.inFlight ??= this.fetchToken().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async fetchToken(): Promise<CachedToken> {
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
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          auth: credentialsIn === 'basic' ? { username: clientId, password: clientSecret } : undefined,
        }),
      );
      const { access_token: value, expires_in: expiresIn } = response.data ?? {};
      if (typeof value !== 'string' || !value)
        throw new StmUnavailableError('STM token endpoint answered without a token');
      const lifetimeS = typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : 300;
      this.cached = { value, expiresAt: this.clock.now().getTime() + lifetimeS * 1000 };
      this.logger.debug(`New STM token, valid for ${lifetimeS} s`);
      return this.cached;
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
    const why = status ? `HTTP ${status}` : (error.code ?? 'network error');
    return new StmUnavailableError(`STM token endpoint unavailable (${why})`, status);
  }
  return new StmUnavailableError(`STM token request failed (${(error as Error)?.name ?? 'unknown error'})`);
}
