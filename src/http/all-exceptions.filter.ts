import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, NotFoundException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { Request, Response } from 'express';
import { allowedMethods } from './allowed-methods';

/**
 * Every error answer is `{statusCode, error, message}` with message a string. Unexpected errors
 * are logged here and answered with a generic 500 that reveals nothing internal. A request that no
 * route matched, on a path that routes take other methods on, is a 405 with `Allow` (OPTIONS a 204).
 */
@Catch()
export class AllExceptionsFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request>();
    // Nest's not-found handler runs after every route; there req.route is unset, unlike in a controller.
    if (exception instanceof NotFoundException && !req.route && this.answerOtherMethods(req, res)) return;
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const body = exception.getResponse();
      const raw = typeof body === 'string' ? body : (body as { message?: unknown }).message;
      const message = Array.isArray(raw) ? raw.join('; ') : typeof raw === 'string' ? raw : exception.message;
      const error = (body as { error?: string }).error ?? HttpStatus[statusCode] ?? 'Error';
      res.status(statusCode).json({ statusCode, error: humanize(error), message });
      return;
    }
    // Body-parser failures (malformed JSON, too large) carry their own 4xx status.
    const status = (exception as { status?: number; statusCode?: number })?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const message = status === 413 ? 'Request body too large' : 'Malformed request body: send valid JSON';
      res.status(status).json({ statusCode: status, error: humanize(HttpStatus[status] ?? 'Bad Request'), message });
      return;
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    res.status(500).json({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Something went wrong on our side; it has been logged',
    });
  }

  /** true when the path is known for other methods, and the answer (405, or 204 to OPTIONS) is sent. */
  private answerOtherMethods(req: Request, res: Response): boolean {
    const allow = allowedMethods(req);
    if (!allow.length) return false;
    res.setHeader('Allow', allow.join(', '));
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return true;
    }
    res.status(405).json({
      statusCode: 405,
      error: 'Method Not Allowed',
      message: `${req.method} is not allowed on ${req.path}; use ${allow.filter((m) => m !== 'OPTIONS').join(' or ')}`,
    });
    return true;
  }
}

function humanize(name: string): string {
  return name.includes('_')
    ? name.toLowerCase().replace(/(^|_)(\w)/g, (_, sep: string, c: string) => (sep ? ' ' : '') + c.toUpperCase())
    : name;
}
