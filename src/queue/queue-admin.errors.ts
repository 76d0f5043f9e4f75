/** Errors of operating the queue; the HTTP layer maps them (queue-admin.controller) and the CLI to exit codes. */
export class JobNotFoundError extends Error {
  constructor(readonly jobId: string) {
    super(`No job with id ${jobId} (it may have finished and been trimmed; see GET /api/queue/jobs)`);
    this.name = 'JobNotFoundError';
  }
}

/** The job exists but is not in a state that allows what was asked. */
export class JobStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobStateError';
  }
}
