/** Domain errors of starting and reading trackings; the HTTP layer maps them (tracking-errors.filter). */
export class TrackingNotFoundError extends Error {
  constructor(readonly trackingId: string) {
    super(`No tracking with id ${trackingId}`);
  }
}

export class UnknownStopError extends Error {
  constructor(readonly stopId: number) {
    super(`Stop ${stopId} is not in the catalogue; find stops with GET /api/stops?q=<street or id>`);
  }
}

export class InvalidTrackingRequestError extends Error {}

export class TrackingCapReachedError extends Error {
  constructor(
    readonly scope: 'service' | 'client',
    readonly cap: number,
  ) {
    super(
      scope === 'client'
        ? `You have ${cap} active trackings, the most one client may have; stop one (POST /api/trackings/{id}/stop) or let one end`
        : `The service is running its maximum of ${cap} trackings at once; try again later`,
    );
  }
}

/** The Idempotency-Key of a start was already used by a different request. */
export class IdempotencyKeyReusedError extends Error {
  constructor() {
    super(
      'This Idempotency-Key was already used for a different request (another stop, lines or variants); use a new key',
    );
  }
}

/** The live data (the lines' state, in Redis) cannot be read right now: a 503, and the rider tries again. */
export class LiveDataUnavailableError extends Error {
  constructor() {
    super('Live bus data is unavailable for a moment (the shared store does not answer); try again in a few seconds');
  }
}
