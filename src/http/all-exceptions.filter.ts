import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { Response } from 'express';

/**
 * Every error answer is `{statusCode, error, message}` with message a string. Unexpected errors
 * are logged here and answered with a generic 500 that reveals nothing internal.
 */
@Catch()
export class AllExceptionsFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
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
}

function humanize(name: string): string {
  return name.includes('_')
    ? name.toLowerCase().replace(/(^|_)(\w)/g, (_, sep: string, c: string) => (sep ? ' ' : '') + c.toUpperCase())
    : name;
}
