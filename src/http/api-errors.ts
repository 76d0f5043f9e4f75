import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ADMIN_MESSAGES } from '../admin/admin-token';
import { ErrorResponse } from './error.response';

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 429 | 503;

/** What one error status of a route means there; `examples` when it has more than one cause. */
export interface ErrorDoc {
  description?: string;
  message?: string;
  examples?: Record<string, { summary: string; message: string }>;
}

const DEFAULTS: Record<ErrorStatus, { error: string; description: string; message: string }> = {
  400: {
    error: 'Bad Request',
    description: 'the request is not valid; `message` names what to change',
    message: 'Malformed request body: send valid JSON',
  },
  401: { error: 'Unauthorized', description: 'no admin token, or a wrong one', message: ADMIN_MESSAGES.missing },
  403: {
    error: 'Forbidden',
    description: 'ADMIN_TOKEN is not set on the server: admin routes are closed to everyone',
    message: ADMIN_MESSAGES.disabled,
  },
  404: { error: 'Not Found', description: 'no such resource', message: 'Not found' },
  409: { error: 'Conflict', description: 'the resource is not in a state that allows this', message: 'Conflict' },
  413: {
    error: 'Payload Too Large',
    description: 'the body is larger than HTTP_BODY_LIMIT_KB (64 kB by default)',
    message: 'Request body too large',
  },
  429: {
    error: 'Too Many Requests',
    description: 'too many requests from your address on this route (THROTTLE_LIMIT per THROTTLE_TTL_SECONDS)',
    message: 'Too many requests from your address; at most 600 per 60 s on one route. Try again shortly',
  },
  503: { error: 'Service Unavailable', description: 'a service it needs is down', message: 'Service unavailable' },
};

const body = (statusCode: ErrorStatus, message: string) => ({ statusCode, error: DEFAULTS[statusCode].error, message });

/** Headers that come with some error answers. */
const HEADERS: Partial<
  Record<ErrorStatus, Record<string, { description: string; schema: { type: 'string' | 'integer' } }>>
> = {
  401: { 'WWW-Authenticate': { description: 'Bearer realm="bus-tracker admin"', schema: { type: 'string' } } },
  429: {
    'Retry-After': { description: 'seconds until the rate limit lets requests in again', schema: { type: 'integer' } },
  },
};

/**
 * Documents the error answers of a route (or of every route of a controller), each with an example
 * body of its own status: `{statusCode, error, message}` as AllExceptionsFilter and the domain
 * filters write it. `true` takes the status's usual meaning and message.
 */
export function ApiErrors(
  docs: Partial<Record<ErrorStatus, ErrorDoc | string | true>>,
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...Object.entries(docs).map(([key, value]) => {
      const status = Number(key) as ErrorStatus;
      const doc: ErrorDoc = value === true ? {} : typeof value === 'string' ? { message: value } : value;
      const description = doc.description ?? DEFAULTS[status].description;
      if (doc.examples) {
        const examples = Object.fromEntries(
          Object.entries(doc.examples).map(([name, e]) => [
            name,
            { summary: e.summary, value: body(status, e.message) },
          ]),
        );
        return ApiResponse({ status, description, type: ErrorResponse, headers: HEADERS[status], examples });
      }
      return ApiResponse({
        status,
        description,
        type: ErrorResponse,
        headers: HEADERS[status],
        example: body(status, doc.message ?? DEFAULTS[status].message),
      });
    }),
  );
}

/** The errors every rate-limited route can answer (RateLimitModule), for a controller's class. */
export const ApiThrottled = (): MethodDecorator & ClassDecorator => ApiErrors({ 429: true });

/** A route that reads a JSON body: malformed JSON (400) and too large a body (413) come before any rule of its own. */
export const ApiJsonBodyErrors = (): MethodDecorator & ClassDecorator => ApiErrors({ 413: true });

/** The answers of an admin route when the token is missing, wrong, or not configured (AdminTokenGuard). */
export const ApiAdminErrors = (): MethodDecorator & ClassDecorator =>
  ApiErrors({
    401: {
      examples: {
        missing: { summary: 'no Authorization header', message: ADMIN_MESSAGES.missing },
        invalid: { summary: 'a wrong token', message: ADMIN_MESSAGES.invalid },
      },
    },
    403: true,
  });
