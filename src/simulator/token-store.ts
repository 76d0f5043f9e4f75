import { randomBytes } from 'node:crypto';

/** Like the real token endpoint: tokens last 300 s. */
export const TOKEN_LIFETIME_SECONDS = 300;

/**
 * Issued access tokens and their expiry, in real (not simulated) time: token lifetime is about the
 * client's renewal logic, which runs on the wall clock whatever the simulation speed.
 */
export class TokenStore {
  private readonly expiries = new Map<string, number>();

  constructor(
    private readonly lifetimeMs = TOKEN_LIFETIME_SECONDS * 1000,
    private readonly clock: () => number = Date.now,
  ) {}

  /** `lifetimeMs` overrides the store's for this token (fault injection: short-lived tokens). */
  issue(lifetimeMs = this.lifetimeMs): { token: string; expiresIn: number } {
    const now = this.clock();
    for (const [token, expiry] of this.expiries) if (expiry <= now) this.expiries.delete(token);
    const token = randomBytes(24).toString('base64url');
    this.expiries.set(token, now + lifetimeMs);
    return { token, expiresIn: Math.round(lifetimeMs / 1000) };
  }

  isValid(token: string | undefined): boolean {
    if (token === undefined) return false;
    const expiry = this.expiries.get(token);
    return expiry !== undefined && expiry > this.clock();
  }

  /** Fault injection for tests: make every issued token stale, as after a server-side revocation. */
  revokeAll(): void {
    this.expiries.clear();
  }
}
