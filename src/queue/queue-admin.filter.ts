import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import { Response } from 'express';
import { JobNotFoundError, JobStateError } from './queue-admin.errors';

/** Maps the queue's domain errors to HTTP answers: unknown job 404, wrong state 409. */
@Catch(JobNotFoundError, JobStateError)
export class QueueAdminErrorsFilter implements ExceptionFilter {
  catch(error: Error, host: ArgumentsHost): void {
    const [statusCode, name] =
      error instanceof JobNotFoundError ? [HttpStatus.NOT_FOUND, 'Not Found'] : [HttpStatus.CONFLICT, 'Conflict'];
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(statusCode)
      .json({ statusCode, error: name, message: error.message });
  }
}
