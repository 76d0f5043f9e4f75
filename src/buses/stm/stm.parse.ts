import { isValidLatLon } from '../domain/geo';
import { parseStmTimestamp } from './stm-timestamp';
import { BusReport, Parsed, SkipReason, StopLine, UpcomingBus } from './stm.types';

type Json = Record<string, unknown>;
/** Why an item is skipped: a plain message is `malformed`; the other reasons say so. */
type Rejection = string | { reason: SkipReason; detail: string };
type ItemParser<T> = (item: Json) => T | Rejection;

/** The largest id our integer columns hold (PostgreSQL `integer`, signed 32 bits). */
export const MAX_INT32 = 2_147_483_647;
/** The text columns of the catalogue (`line_variants`): a line name, an origin or a destination. */
export const MAX_LINE_LENGTH = 20;
export const MAX_PLACE_LENGTH = 120;
/** A fix stamped further ahead than this is not believed (device clock wrong). */
export const MAX_FUTURE_FIX_MS = 60_000;

const MAX_PROBLEMS = 5;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

/** Applies an item parser to a list; an item the parser rejects (returns a reason) is skipped and counted. */
export function parseList<T>(body: unknown, parseItem: ItemParser<T>, what: string): Parsed<T> {
  const result: Parsed<T> = { items: [], skipped: 0, problems: [], reasons: {} };
  if (body === '' || body === null || body === undefined) return result; // 204 / empty body: no items
  if (!Array.isArray(body)) throw new TypeError(`expected a JSON list of ${what}, got ${typeof body}`);
  body.forEach((item, index) => {
    const parsed = isObject(item) ? parseItem(item) : 'not an object';
    if (isRejection(parsed)) {
      const { reason, detail } = typeof parsed === 'string' ? { reason: 'malformed' as const, detail: parsed } : parsed;
      result.skipped++;
      result.reasons[reason] = (result.reasons[reason] ?? 0) + 1;
      if (result.problems.length < MAX_PROBLEMS) result.problems.push(`${what}[${index}]: ${detail}`);
    } else {
      result.items.push(parsed);
    }
  });
  return result;
}

function isRejection(value: unknown): value is Rejection {
  return typeof value === 'string' || (isObject(value) && typeof value.reason === 'string' && 'detail' in value);
}

const outOfRange = (field: string, value: number): Rejection => ({
  reason: 'out_of_range',
  detail: `${field} ${value} out of range`,
});
const tooLong = (field: string, value: string, max: number): Rejection => ({
  reason: 'too_long',
  detail: `${field} longer than ${max} characters (${value.length})`,
});

function coordinates(location: unknown): { latitude: number; longitude: number } | string {
  if (!isObject(location) || !Array.isArray(location.coordinates)) return 'no location';
  const [longitude, latitude] = location.coordinates as unknown[];
  const point = { latitude: Number(latitude), longitude: Number(longitude) };
  if (typeof latitude !== 'number' || typeof longitude !== 'number' || !isValidLatLon(point)) {
    return 'invalid coordinates';
  }
  return point;
}

/**
 * The feed's own clock: the median stamp of its items (null when none reads). A fix is "in the future" against
 * the later of our clock and this one, so a feed whose clock runs ahead as a whole (the simulator under a time
 * scale) loses nothing, while one bus stamped ahead of the rest is skipped: that is the bus that would freeze.
 */
export function feedClock(body: unknown): number | null {
  if (!Array.isArray(body)) return null;
  const stamps = body
    .map((item) => (isObject(item) ? parseStmTimestamp(item.timestamp)?.getTime() : undefined))
    .filter((t): t is number => t !== undefined)
    .sort((a, b) => a - b);
  return stamps.length ? stamps[Math.floor(stamps.length / 2)] : null;
}

/** A bus report as of `now` (fixes stamped more than MAX_FUTURE_FIX_MS after it are skipped). */
export function busParser(now: () => number = Date.now): ItemParser<BusReport> {
  return (item) => {
    if (!isInt(item.busId) || item.busId < 0) return 'invalid busId';
    if (item.busId > MAX_INT32) return outOfRange('busId', item.busId);
    const company = str(item.company);
    if (!company) return 'missing company';
    if (company.length > MAX_PLACE_LENGTH) return tooLong('company', company, MAX_PLACE_LENGTH);
    const line = str(item.line);
    if (!line) return 'missing line';
    if (line.length > MAX_LINE_LENGTH) return tooLong('line', line, MAX_LINE_LENGTH);
    if (!isInt(item.lineVariantId)) return 'invalid lineVariantId';
    if (Math.abs(item.lineVariantId) > MAX_INT32) return outOfRange('lineVariantId', item.lineVariantId);
    const origin = str(item.origin);
    if (origin.length > MAX_PLACE_LENGTH) return tooLong('origin', origin, MAX_PLACE_LENGTH);
    const destination = str(item.destination);
    if (destination.length > MAX_PLACE_LENGTH) return tooLong('destination', destination, MAX_PLACE_LENGTH);
    const fixAt = parseStmTimestamp(item.timestamp);
    if (!fixAt) return `unparseable timestamp ${JSON.stringify(item.timestamp)}`;
    const ahead = fixAt.getTime() - now();
    if (ahead > MAX_FUTURE_FIX_MS)
      return { reason: 'future_fix', detail: `fix stamped ${Math.round(ahead / 1000)} s in the future` };
    const point = coordinates(item.location);
    if (typeof point === 'string') return point;
    return buildBus(item, { company, line, origin, destination, fixAt, point });
  };
}

export const parseBus: ItemParser<BusReport> = busParser();

function buildBus(
  item: Json,
  f: {
    company: string;
    line: string;
    origin: string;
    destination: string;
    fixAt: Date;
    point: { latitude: number; longitude: number };
  },
): BusReport {
  const { company, line, origin, destination, fixAt, point } = f;
  return {
    company,
    busId: item.busId as number,
    line: line.toUpperCase(),
    variantId: item.lineVariantId as number,
    origin,
    destination,
    ...point,
    fixAt,
    reportedSpeedKmh: typeof item.speed === 'number' && Number.isFinite(item.speed) ? item.speed : null,
  };
}

export const parseStopLine: ItemParser<StopLine> = (item) => {
  const line = str(item.line);
  if (!isInt(item.lineId) || !line) return 'invalid lineId or line';
  return { lineId: item.lineId, line: line.toUpperCase() };
};

export const parseUpcomingBus: ItemParser<UpcomingBus> = (item) => {
  if (!isInt(item.busId) || !isInt(item.lineVariantId)) return 'invalid busId or lineVariantId';
  if (typeof item.eta !== 'number' || typeof item.distance !== 'number') return 'invalid eta or distance';
  return {
    busId: item.busId,
    company: str(item.companyName),
    line: str(item.line).toUpperCase(),
    variantId: item.lineVariantId,
    destination: str(item.destination),
    etaSeconds: item.eta,
    distanceMeters: item.distance,
  };
};

export interface StopRecord {
  id: number;
  street1: string | null;
  street2: string | null;
  latitude: number;
  longitude: number;
}

export const parseStop: ItemParser<StopRecord> = (item) => {
  if (!isInt(item.busstopId) || item.busstopId <= 0) return 'invalid busstopId';
  const point = coordinates(item.location);
  if (typeof point === 'string') return point;
  return { id: item.busstopId, street1: str(item.street1) || null, street2: str(item.street2) || null, ...point };
};

export interface VariantRecord {
  id: number;
  line: string;
  lineId: number;
  origin: string;
  destination: string;
  subline: string;
  special: boolean;
}

export const parseVariant: ItemParser<VariantRecord> = (item) => {
  if (!isInt(item.lineVariantId) || !isInt(item.lineId)) return 'invalid lineVariantId or lineId';
  const line = str(item.line);
  if (!line) return 'missing line';
  return {
    id: item.lineVariantId,
    line: line.toUpperCase(),
    lineId: item.lineId,
    origin: str(item.origin),
    destination: str(item.destination),
    subline: str(item.subline),
    special: item.special === true,
  };
};
