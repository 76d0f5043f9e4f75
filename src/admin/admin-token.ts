import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type AdminVerdict = 'disabled' | 'missing' | 'invalid' | 'ok';

export const ADMIN_MESSAGES: Record<Exclude<AdminVerdict, 'ok'>, string> = {
  disabled:
    "Admin routes are disabled: set ADMIN_TOKEN (16 or more characters) in the web app's environment to enable them",
  missing: 'This admin route needs the admin token: send the header "Authorization: Bearer <ADMIN_TOKEN>"',
  invalid: 'The admin token is not valid',
};

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Compares a presented token with the expected one in constant time. Both sides are hashed first,
 * so the comparison takes the same time whatever the presented token's length or content.
 */
export function tokenMatches(expected: string, presented: string): boolean {
  return timingSafeEqual(digest(expected), digest(presented));
}

/** The token of an `Authorization: Bearer <token>` header, if that is what the header holds. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** What to do with a request to an admin route, given the configured token and the Authorization header. */
export function adminVerdict(expected: string | undefined, authorization: string | undefined): AdminVerdict {
  if (!expected) return 'disabled';
  const presented = bearerToken(authorization);
  if (presented === undefined) return 'missing';
  return tokenMatches(expected, presented) ? 'ok' : 'invalid';
}

/**
 * The queue UI's session cookie: an expiry time and an HMAC of it keyed by the admin token. It
 * proves the browser once presented the token without storing the token itself, and stops
 * working when the token changes or the time passes.
 */
export function uiSessionValue(adminToken: string, expiresAtMs: number): string {
  const mac = createHmac('sha256', adminToken).update(`bus-tracker admin ui|${expiresAtMs}`).digest('hex');
  return `${expiresAtMs}.${mac}`;
}

export function uiSessionValid(adminToken: string, value: string | undefined, nowMs: number): boolean {
  const match = /^(\d{1,16})\.([0-9a-f]{64})$/.exec(value ?? '');
  if (!match) return false;
  const expiresAt = Number(match[1]);
  if (expiresAt <= nowMs) return false;
  return tokenMatches(uiSessionValue(adminToken, expiresAt), value!);
}

/** One cookie's value from a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
