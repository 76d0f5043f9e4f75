import type { NextFunction, Request, Response } from 'express';
import { ADMIN_MESSAGES, adminVerdict, cookieValue, tokenMatches, uiSessionValid, uiSessionValue } from './admin-token';

export const UI_COOKIE = 'bt_admin';
/** A browser session of the queue UI lasts this long before the token must be given again. */
const SESSION_MS = 12 * 3600_000;

function refuse(res: Response, status: 401 | 403, message: string): void {
  if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="bus-tracker admin"');
  res.status(status).json({ statusCode: status, error: status === 401 ? 'Unauthorized' : 'Forbidden', message });
}

/**
 * Guards the queue UI (bull-board has no authentication of its own, and its buttons retry, remove
 * and clean jobs). Scripts send `Authorization: Bearer <ADMIN_TOKEN>`; a browser opens
 * `/admin/queues?token=<ADMIN_TOKEN>` once, which sets an HttpOnly, SameSite=Strict cookie holding
 * an expiring HMAC (never the token) and redirects to the same page without the token in the address.
 */
export function queueUiMiddleware(adminToken: string | undefined, now: () => number = Date.now) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!adminToken) return refuse(res, 403, ADMIN_MESSAGES.disabled);
    const url = new URL(req.originalUrl, 'http://bus-tracker.invalid');
    const given = url.searchParams.get('token');
    if (given !== null) {
      if (!tokenMatches(adminToken, given)) return refuse(res, 401, ADMIN_MESSAGES.invalid);
      url.searchParams.delete('token');
      const expiresAt = now() + SESSION_MS;
      res.setHeader(
        'Set-Cookie',
        `${UI_COOKIE}=${uiSessionValue(adminToken, expiresAt)}; Path=/admin; HttpOnly; SameSite=Strict; ` +
          `Max-Age=${SESSION_MS / 1000}${req.secure ? '; Secure' : ''}`,
      );
      res.setHeader('Cache-Control', 'no-store');
      return res.redirect(303, url.pathname + url.search);
    }
    if (uiSessionValid(adminToken, cookieValue(req.headers.cookie, UI_COOKIE), now())) return next();
    const verdict = adminVerdict(adminToken, req.headers.authorization);
    if (verdict === 'ok') return next();
    refuse(
      res,
      401,
      verdict === 'invalid'
        ? ADMIN_MESSAGES.invalid
        : 'The queue UI needs the admin token: open /admin/queues?token=<ADMIN_TOKEN> once in your browser ' +
            '(it sets a cookie for 12 hours), or send "Authorization: Bearer <ADMIN_TOKEN>"',
    );
  };
}
