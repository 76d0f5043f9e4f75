import type { AppConfig } from '../config/app-config';

export const REDACTED = '[redacted]';

/** Shorter values are too likely to be ordinary words ("postgres") to be cut out of every log line. */
const MIN_SECRET_LENGTH = 8;

/** Query parameters that carry a credential (the queue UI accepts its admin token as ?token= once). */
const SECRET_QUERY = /([?&](?:token|access_token|admin_token|client_secret)=)[^&#\s]*/gi;

/** Hides credential query parameters of a URL, for request logs. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, `$1${REDACTED}`);
}

/**
 * The secret values this process knows, in every spelling that could reach a log line: the admin
 * token, the STM client secret (raw, URL-encoded as in a form body, and as the HTTP Basic header
 * value), and the passwords in DATABASE_URL and REDIS_URL.
 */
export function knownSecrets(config: AppConfig): string[] {
  const secrets: string[] = [];
  if (config.adminToken) secrets.push(config.adminToken);
  if (!config.stm.simulated) {
    const { clientId, clientSecret } = config.stm;
    secrets.push(
      clientSecret,
      encodeURIComponent(clientSecret),
      Buffer.from(`${clientId}:${clientSecret}`).toString('base64'),
    );
  }
  for (const url of [config.redisUrl, config.database.type === 'postgres' ? config.database.url : '']) {
    try {
      const password = url ? decodeURIComponent(new URL(url).password) : '';
      if (password) secrets.push(password);
    } catch {
      // Not a URL we can read: nothing to hide from it.
    }
  }
  return [...new Set(secrets.filter((s) => s.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
}

/** A function that replaces every occurrence of the given secrets in a text. */
export function secretScrubber(secrets: readonly string[]): (text: string) => string {
  const list = secrets.filter((s) => s.length >= MIN_SECRET_LENGTH);
  if (!list.length) return (text) => text;
  return (text) => {
    let out = text;
    for (const secret of list) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  };
}

/**
 * Applies a scrubber to every string inside a log record (objects, arrays, errors), a few levels
 * deep; returns the same object when nothing needed hiding, so the common case costs no copies.
 */
export function scrubValue(value: unknown, scrub: (text: string) => string, depth = 0): unknown {
  if (typeof value === 'string') return scrub(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    const plain: Record<string, unknown> = { type: value.name, message: value.message, stack: value.stack };
    for (const [k, v] of Object.entries(value)) plain[k] = v;
    return scrubValue(plain, scrub, depth + 1);
  }
  if (Array.isArray(value)) {
    const items = value.map((v) => scrubValue(v, scrub, depth + 1));
    return items.some((v, i) => v !== value[i]) ? items : value;
  }
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = scrubValue(v, scrub, depth + 1);
    if (out[k] !== v) changed = true;
  }
  return changed ? out : value;
}
