import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import { Response } from 'express';
import { TooManyLiveStreamsError } from './live-stream-limiter';

/** Seconds an EventSource (or a person) should wait before asking for a stream again. */
const RETRY_AFTER_SECONDS = 10;

/** A refused stream is answered before it starts, as JSON: 429 for a client's cap, 503 for the process's. */
@Catch(TooManyLiveStreamsError)
export class LiveStreamsFilter implements ExceptionFilter {
  catch(error: TooManyLiveStreamsError, host: ArgumentsHost): void {
    const [statusCode, name] =
      error.scope === 'client'
        ? [HttpStatus.TOO_MANY_REQUESTS, 'Too Many Requests']
        : [HttpStatus.SERVICE_UNAVAILABLE, 'Service Unavailable'];
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(statusCode)
      .setHeader('Retry-After', String(RETRY_AFTER_SECONDS))
      .json({ statusCode, error: name, message: error.message });
  }
}
