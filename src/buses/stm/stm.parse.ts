import { isValidLatLon } from '../domain/geo';
import { parseStmTimestamp } from './stm-timestamp';
import { BusReport, Parsed, StopLine, UpcomingBus } from './stm.types';

type Json = Record<string, unknown>;
type ItemParser<T> = (item: Json) => T | string;

const MAX_PROBLEMS = 5;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

/** Applies an item parser to a list; an item the parser rejects (returns a reason) is skipped and counted. */
export function parseList<T>(body: unknown, parseItem: ItemParser<T>, what: string): Parsed<T> {
  const result: Parsed<T> = { items: [], skipped: 0, problems: [] };
  if (body === '' || body === null || body === undefined) return result; // 204 / empty body: no items
  if (!Array.isArray(body)) throw new TypeError(`expected a JSON list of ${what}, got ${typeof body}`);
  body.forEach((item, index) => {
    const parsed = isObject(item) ? parseItem(item) : 'not an object';
    if (typeof parsed === 'string') {
      result.skipped++;
      if (result.problems.length < MAX_PROBLEMS) result.problems.push(`${what}[${index}]: ${parsed}`);
    } else {
      result.items.push(parsed);
    }
  });
  return result;
}

function coordinates(location: unknown): { latitude: number; longitude: number } | string {
  if (!isObject(location) || !Array.isArray(location.coordinates)) return 'no location';
  const [longitude, latitude] = location.coordinates as unknown[];
  const point = { latitude: Number(latitude), longitude: Number(longitude) };
  if (typeof latitude !== 'number' || typeof longitude !== 'number' || !isValidLatLon(point)) {
    return 'invalid coordinates';
  }
  return point;
}

export const parseBus: ItemParser<BusReport> = (item) => {
  if (!isInt(item.busId) || item.busId < 0) return 'invalid busId';
  const company = str(item.company);
  if (!company) return 'missing company';
  const line = str(item.line);
  if (!line) return 'missing line';
  if (!isInt(item.lineVariantId)) return 'invalid lineVariantId';
  const fixAt = parseStmTimestamp(item.timestamp);
  if (!fixAt) return `unparseable timestamp ${JSON.stringify(item.timestamp)}`;
  const point = coordinates(item.location);
  if (typeof point === 'string') return point;
  return {
    company,
    busId: item.busId,
    line: line.toUpperCase(),
    variantId: item.lineVariantId,
    origin: str(item.origin),
    destination: str(item.destination),
    ...point,
    fixAt,
    reportedSpeedKmh: typeof item.speed === 'number' && Number.isFinite(item.speed) ? item.speed : null,
  };
};

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
