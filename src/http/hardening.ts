import { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { AppConfig } from '../config/app-config';

/**
 * HTTP hardening of the web app (rate limits are RateLimitModule's): security headers, body size
 * limits, CORS only for configured origins, and where client addresses come from behind a proxy.
 * Called first in configureApp, so it applies to every route, static file and the queue UI.
 */
export function applyHardening(app: INestApplication): void {
  const config = app.get(AppConfig).http;
  const express = app as NestExpressApplication;
  // Behind nginx or a load balancer, req.ip (and so the rate limit) must be the client's address.
  express.set('trust proxy', config.trustProxy);
  express.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // The page, /docs and the queue UI are also served over plain HTTP on private networks;
          // upgrading their requests to https would break them there (TLS is the proxy's job).
          'upgrade-insecure-requests': null,
          // Map tiles come from a tile server over https.
          'img-src': ["'self'", 'data:', 'https:'],
        },
      },
    }),
  );
  // The API takes JSON bodies only. A form or text body is refused before it is parsed: a form's
  // parser drops `__proto__` silently instead of letting validation refuse it, and a page on another
  // site can post a form (never JSON) without the browser asking CORS first.
  express.use('/api', refuseBodiesOtherThanJson);
  // Small bodies; Nest then skips its own (100 kB) parsers.
  const limit = `${config.bodyLimitKb}kb`;
  express.useBodyParser('json', { limit });
  express.useBodyParser('urlencoded', { limit, extended: false });
  if (config.corsOrigins.length) {
    express.enableCors({
      origin: config.corsOrigins.includes('*') ? '*' : config.corsOrigins,
      methods: ['GET', 'POST', 'DELETE'],
      allowedHeaders: ['Content-Type', 'Authorization'],
      exposedHeaders: ['X-Total-Count', 'Retry-After'],
      maxAge: 600,
    });
  }
}

function refuseBodiesOtherThanJson(req: Request, res: Response, next: NextFunction): void {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (!hasBody || /^application\/([\w.+-]*\+)?json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) return next();
  res.status(415).json({
    statusCode: 415,
    error: 'Unsupported Media Type',
    message: 'send the request body as JSON, with the header content-type: application/json',
  });
}
