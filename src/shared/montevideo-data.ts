import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The Montevideo catalogue shipped with the product (assets/montevideo), in the exact shapes the
 * STM API serves it. Source: Intendencia de Montevideo, open data and public transport API.
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

export interface MontevideoData {
  stops: RawBusStop[];
  variants: RawLineVariant[];
  variantStops: RawVariantStops;
}

/** Resolves the assets folder both from src/ (ts-node, jest) and from dist/ (compiled). */
export function assetsDir(): string {
  return resolve(__dirname, '..', '..', 'assets');
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(join(assetsDir(), 'montevideo', file), 'utf8')) as T;
}

let cached: MontevideoData | undefined;

/** Reads the shipped catalogue once per process (about 1.3 MB of JSON). */
export function loadMontevideoData(): MontevideoData {
  cached ??= {
    stops: readJson<RawBusStop[]>('busstops.json'),
    variants: readJson<RawLineVariant[]>('linevariants.json'),
    variantStops: readJson<RawVariantStops>('variant-stops.json'),
  };
  return cached;
}
