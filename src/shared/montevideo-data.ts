import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The Montevideo catalogue shipped with the product (assets/montevideo): stops and variants in the exact
 * shapes the STM API serves them, and from the city's open data the road geometry of variants, their stop
 * lists and their timetable. Source: Intendencia de Montevideo (open data `v_uptu_lsv`, `v_uptu_paradas`,
 * GTFS STM; public transport API). See assets/montevideo/README.md.
 */
export interface GeoPoint {
  type: 'Point';
  /** [longitude, latitude], WGS84 */
  coordinates: [number, number];
}

export interface RawBusStop {
  busstopId: number;
  street1: string | null;
  street2: string | null;
  street1Id: number | null;
  street2Id: number | null;
  location: GeoPoint;
}

export interface RawLineVariant {
  lineVariantId: number;
  line: string;
  lineId: number;
  origin: string;
  destination: string;
  subline: string;
  special: boolean;
}

/** lineVariantId → stop ids in route order, for the variants whose sequence is known. */
export type RawVariantStops = Record<string, number[]>;

/** lineVariantId → its road geometry, [lon, lat] in the direction of travel. */
export type RawVariantShapes = Record<string, [number, number][]>;

/** Trip start times, minutes after local midnight, sorted. */
export interface RawDaySchedule {
  weekday: number[];
  saturday: number[];
  sunday: number[];
}

/** lineVariantId → its timetable. */
export type RawSchedules = Record<string, RawDaySchedule>;

export interface MontevideoData {
  stops: RawBusStop[];
  variants: RawLineVariant[];
  variantStops: RawVariantStops;
  shapes: RawVariantShapes;
  schedules: RawSchedules;
}

/** Resolves the assets folder both from src/ (ts-node, jest) and from dist/ (compiled). */
export function assetsDir(): string {
  return resolve(__dirname, '..', '..', 'assets');
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(join(assetsDir(), 'montevideo', file), 'utf8')) as T;
}

let cached: MontevideoData | undefined;

/** Reads the shipped catalogue once per process (about 3.2 MB of JSON). */
export function loadMontevideoData(): MontevideoData {
  cached ??= {
    stops: readJson<RawBusStop[]>('busstops.json'),
    variants: readJson<RawLineVariant[]>('linevariants.json'),
    variantStops: readJson<RawVariantStops>('variant-stops-full.json'),
    shapes: readJson<RawVariantShapes>('variant-shapes.json'),
    schedules: readJson<RawSchedules>('schedules.json'),
  };
  return cached;
}
