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
  // Log lines are JSON: a secret with a quote, a backslash or a control character appears escaped in them.
  const spellings = secrets.flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]);
  return [...new Set(spellings.filter((s) => s.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
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
