import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import { Response } from 'express';
import {
  IdempotencyKeyReusedError,
  LiveDataUnavailableError,
  InvalidTrackingRequestError,
  TrackingCapReachedError,
  TrackingNotFoundError,
  UnknownStopError,
} from './tracking.errors';

const STATUS = new Map<new (...args: never[]) => Error, [number, string]>([
  [TrackingNotFoundError, [HttpStatus.NOT_FOUND, 'Not Found']],
  [UnknownStopError, [HttpStatus.NOT_FOUND, 'Not Found']],
  [InvalidTrackingRequestError, [HttpStatus.BAD_REQUEST, 'Bad Request']],
  [TrackingCapReachedError, [HttpStatus.TOO_MANY_REQUESTS, 'Too Many Requests']],
  [IdempotencyKeyReusedError, [HttpStatus.CONFLICT, 'Conflict']],
  [LiveDataUnavailableError, [HttpStatus.SERVICE_UNAVAILABLE, 'Service Unavailable']],
]);

/** Maps the tracking domain's errors to HTTP answers; services stay free of HTTP. */
@Catch(
  TrackingNotFoundError,
  UnknownStopError,
  InvalidTrackingRequestError,
  TrackingCapReachedError,
  IdempotencyKeyReusedError,
  LiveDataUnavailableError,
)
export class TrackingErrorsFilter implements ExceptionFilter {
  catch(error: Error, host: ArgumentsHost): void {
    const [statusCode, name] = STATUS.get(error.constructor as new (...args: never[]) => Error) ?? [
      HttpStatus.BAD_REQUEST,
      'Bad Request',
    ];
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(statusCode)
      .json({ statusCode, error: name, message: error.message });
  }
}
