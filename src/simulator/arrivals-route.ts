import type { IncomingMessage } from 'node:http';
import { ArrivalQueryError, type BusSimulator } from './bus-simulator';
import type { SimArrival } from './sim-types';
import { HttpError, listParam, methodNotAllowed, queryParam, type Reply } from './http-util';

export const ARRIVALS_PATH = '/_sim/arrivals';
/** Without `from`, the hour before `to`. */
const DEFAULT_WINDOW_MS = 3_600_000;

/**
 * `GET /_sim/arrivals?stopId=…&from=…&to=…[&lines=a,b]`: when buses truly reached stops (see
 * BusSimulator.arrivals), for judging arrival predictions against. `from` and `to` are epoch ms or ISO 8601
 * with an offset; `to` defaults to now and `from` to an hour before `to`; `stopId` absent = every stop.
 * Answers `{ arrivals: [...] }` with ISO UTC times. Like the other `/_sim` routes it needs no token: it is
 * a test tool's back door, not part of the STM API.
 */
export function simArrivals(simulator: BusSimulator, req: IncomingMessage, query: URLSearchParams): Reply {
  if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed('GET');
  const stopText = queryParam(query, 'stopId');
  const stopId = stopText === undefined ? undefined : stopIdParam(stopText);
  if (stopId !== undefined && !simulator.hasStop(stopId)) {
    throw simError(404, 'not_found', `bus stop ${stopId} does not exist`);
  }
  const toText = queryParam(query, 'to');
  const fromText = queryParam(query, 'from');
  const to = toText === undefined ? Math.floor(simulator.now()) : instantParam(toText, 'to');
  const from = fromText === undefined ? to - DEFAULT_WINDOW_MS : instantParam(fromText, 'from');
  let arrivals: SimArrival[];
  try {
    arrivals = simulator.arrivals({ stopId, lines: listParam(query, 'lines'), from, to });
  } catch (error) {
    if (error instanceof ArrivalQueryError) throw simError(400, 'bad_request', error.message);
    throw error;
  }
  const iso = (epochMs: number): string => new Date(epochMs).toISOString();
  return {
    status: 200,
    body: {
      arrivals: arrivals.map((a) => ({ ...a, arrivedAt: iso(a.arrivedAt), departedAt: iso(a.departedAt) })),
    },
  };
}

/** Errors of this route also carry their status in the body, as the product's own API does. */
function simError(status: number, error: string, message: string): HttpError {
  return new HttpError(status, { statusCode: status, error, message });
}

function stopIdParam(text: string): number {
  const value = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) {
    throw simError(400, 'bad_request', `stopId must be a whole number, got "${text}"`);
  }
  return value;
}

// A date and time with an explicit offset: without one, ISO 8601 means the reader's local time.
const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?(Z|[+-]\d{2}(?::?\d{2})?)$/i;

/** Epoch ms from whole epoch milliseconds or an ISO 8601 date-time with Z or an offset (`-03` too). */
export function parseInstant(text: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number.isSafeInteger(Number(trimmed)) ? Number(trimmed) : NaN;
  // An unencoded `+01:00` in a query string arrives as ` 01:00`.
  const match = ISO_INSTANT.exec(trimmed.replace(/ (\d{2}(?::?\d{2})?)$/, '+$1'));
  if (!match) return NaN;
  const [, dateTime, fraction, offset] = match;
  // Date.parse wants milliseconds at most and ±hh:mm; the STM API itself writes a bare -03.
  const millis = fraction === undefined ? '' : `.${fraction.slice(0, 3)}`;
  const zone = /^z$/i.test(offset) ? 'Z' : `${offset.slice(0, 3)}:${offset.slice(3).replace(':', '') || '00'}`;
  return Date.parse(`${dateTime.toUpperCase()}${millis}${zone}`);
}

function instantParam(text: string, name: string): number {
  const value = parseInstant(text);
  if (!Number.isFinite(value)) {
    throw simError(
      400,
      'bad_request',
      `${name} must be epoch milliseconds or an ISO 8601 time with an offset (2025-11-15T13:14:07-03:00), got "${text}"`,
    );
  }
  return value;
}
