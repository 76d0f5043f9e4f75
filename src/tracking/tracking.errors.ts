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
  constructor(readonly cap: number) {
    super(`The service is tracking its maximum of ${cap} stops at once; try again later`);
  }
}
