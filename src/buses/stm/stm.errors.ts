/** A failed call to the STM API that may well succeed later (timeouts, 5xx, 429, network). */
export class StmUnavailableError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
    /** No request to the API before this time (epoch ms), across every process (see UpstreamGate). */
    readonly notBefore?: number,
  ) {
    super(message);
    this.name = 'StmUnavailableError';
  }
}

/** The token endpoint refused our client credentials (a rotation in progress, or revoked for good). */
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
