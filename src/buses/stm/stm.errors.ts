/** A failed call to the STM API that may well succeed later (timeouts, 5xx, 429, network). */
export class StmUnavailableError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'StmUnavailableError';
  }
}

/** The API refused our credentials even after a fresh token: no retry will fix it. */
export class StmCredentialsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StmCredentialsError';
  }
}

/** The API answered with something we cannot use at all (not JSON, not a list). */
export class StmBadResponseError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'StmBadResponseError';
  }
}
