import type { MontevideoData, RawLineVariant } from '../shared/montevideo-data';
import { between, hashSeed, intBetween, shuffleInPlace, streamFor } from './prng';
import { buildRoute, type LonLat, type Route } from '../shared/route';
import { RUSH_HOUR_FACTOR, TERMINUS_WAIT_MS, TURNAROUND_SLACK_MS } from './schedule';
import { MAX_CRUISE_KMH, MIN_CRUISE_KMH, segmentBaseSpeedsKmh } from './trip-profile';
import type { Trip } from './trips';

/**
 * The simulated fleet, built once from the catalogue and the seed: which variants run, their geometry,
 * how many buses each has, and each bus's identity and cycle. Nothing here changes afterwards, except the
 * per-bus cache of trips (see trips.ts), which only remembers what can be recomputed.
 */

/** Montevideo's operators; CUTCSA runs most of the network. */
const COMPANIES: { name: string; share: number }[] = [
  { name: 'CUTCSA', share: 0.6 },
  { name: 'COETC', share: 0.15 },
  { name: 'COME', share: 0.12 },
  { name: 'UCOT', share: 0.13 },
];

// Salts keep the random streams of different decisions apart even when their other keys coincide.
// 3 drew the one timetable each bus used to repeat, before trips had their own: retired, not reused.
export const Salt = {
  Company: 1,
  Variant: 2,
  BusIds: 4,
  Report: 5,
  Noise: 6,
  Trip: 7,
  ShortTurn: 8,
  Lag: 9,
  Dropout: 10,
} as const;

/** Trips remembered per bus: the current one, the next, and a few a caller is likely to ask again. */
export const TRIPS_CACHED_PER_BUS = 4;

export interface SimBus {
  index: number;
  company: string;
  busId: number;
  /** Epoch ms, within [0, cycleMs), of trip 0's start; trip k starts k whole cycles later (k may be negative). */
  firstDeparture: number;
  /** The bus reports at epoch ms ≡ reportPhaseMs (mod the report interval); whole seconds. */
  reportPhaseMs: number;
  /** Trip k → its timetable, at most TRIPS_CACHED_PER_BUS of them: a cache, filled by trips.ts. */
  trips: Map<number, Trip>;
}

export interface SimVariant {
  record: RawLineVariant;
  /** Line name trimmed and upper-cased, for lookups. */
  lineKey: string;
  stopIds: number[];
  /** stop id → index in stopIds. */
  stopIndex: Map<number, number>;
  route: Route;
  /** Metres along the route of each stop. */
  offsets: number[];
  /** Typical cruise speed on each segment (km/h) before time of day and the bus's own pace. */
  baseSpeedsKmh: number[];
  /** Every bus repeats its trip with this period; buses are spread evenly over it. */
  cycleMs: number;
  buses: SimBus[];
}

export function lineKey(line: string): string {
  return line.trim().toUpperCase();
}

function pickCompany(seed: number, lineId: number): string {
  let r = streamFor(seed, Salt.Company, lineId)();
  for (const company of COMPANIES) {
    if (r < company.share) return company.name;
    r -= company.share;
  }
  return COMPANIES[0].name;
}

/** The slowest pace buildTripProfile gives a trip (its temperament). */
const SLOW_PACE = 0.9;
/** Room for unlucky dwells and holds on top of the average ones (a couple of standard deviations). */
const PEAK_MARGIN_MS = 120_000;

function buildVariant(
  seed: number,
  record: RawLineVariant,
  stopIds: number[],
  points: LonLat[],
  variantsOfLine: number,
): SimVariant {
  const random = streamFor(seed, Salt.Variant, record.lineVariantId);
  const route = buildRoute(points);
  // The path runs through the stops themselves, so each stop's offset is its cumulative distance.
  const offsets = route.cumulative;
  const baseSpeeds = segmentBaseSpeedsKmh(offsets, random);
  // The headway riders see is the line's: a line whose service is split over several variants (each
  // direction, short runs) runs each of them less often. Variants usually come in direction pairs.
  const headwayMs = between(random, 4, 15) * Math.max(1, variantsOfLine / 2) * 60_000;
  const layoverMs = between(random, 3, 6) * 60_000;
  const phase = random();

  const typicalMs = expectedTripMs(offsets, baseSpeeds, 1);
  // The cycle must fit a slow driver's peak-hour trip too, so middays and nights leave longer layovers;
  // trips.ts squeezes the rare trip that still would not fit.
  const slowPeakMs = expectedTripMs(offsets, baseSpeeds, RUSH_HOUR_FACTOR * SLOW_PACE) + PEAK_MARGIN_MS;
  const turnaroundMs = TERMINUS_WAIT_MS + TURNAROUND_SLACK_MS;
  const cycleMs = Math.ceil(Math.max(typicalMs + layoverMs, slowPeakMs + turnaroundMs) / 1000) * 1000;
  // Sized for the peak: the line keeps its headway then, and has buses to spare off-peak.
  const count = Math.max(1, Math.round(cycleMs / headwayMs));
  const company = pickCompany(seed, record.lineId);
  const buses = Array.from({ length: count }, (_, index): SimBus => ({
    index,
    company,
    busId: 0, // assigned once the whole fleet is known
    firstDeparture: Math.floor(((phase + index / count) % 1) * cycleMs),
    reportPhaseMs: intBetween(streamFor(seed, Salt.Report, record.lineVariantId, index), 0, 9) * 1000,
    trips: new Map(),
  }));
  const stopIndex = new Map(stopIds.map((id, i) => [id, i]));
  return {
    record,
    lineKey: lineKey(record.line),
    stopIds,
    stopIndex,
    route,
    offsets,
    baseSpeedsKmh: baseSpeeds,
    cycleMs,
    buses,
  };
}

/**
 * Average trip time at `factor` × the base speeds (clamped as buildTripProfile clamps them): 20 s per stop,
 * a quarter of the segments held ~25 s.
 */
function expectedTripMs(offsets: number[], baseSpeedsKmh: number[], factor: number): number {
  let ms = 0;
  for (let k = 0; k < baseSpeedsKmh.length; k++) {
    const kmh = Math.min(MAX_CRUISE_KMH, Math.max(MIN_CRUISE_KMH, baseSpeedsKmh[k] * factor));
    ms += ((offsets[k + 1] - offsets[k]) / (kmh / 3.6)) * 1000 + 20_000 + 0.25 * 25_000;
  }
  return ms;
}

/** Bus numbers are unique per company (they repeat across companies, as in the real fleet). */
function assignBusIds(seed: number, variants: SimVariant[]): void {
  COMPANIES.forEach((company, c) => {
    const buses = variants.flatMap((v) => v.buses.filter((b) => b.company === company.name));
    const pool = Array.from({ length: buses.length * 2 + 100 }, (_, i) => i + 1);
    shuffleInPlace(pool, streamFor(seed, Salt.BusIds, c));
    buses.forEach((bus, i) => (bus.busId = pool[i]));
  });
}

/** Variants with a known stop sequence of at least two stops found in the catalogue, by variant id. */
export function buildFleet(data: MontevideoData, seed: number): SimVariant[] {
  const stops = new Map(data.stops.map((s) => [s.busstopId, s.location.coordinates]));
  const runnable = [...data.variants]
    .sort((a, b) => a.lineVariantId - b.lineVariantId)
    // Sequences can name stops the catalogue lacks; the bus simply does not stop there.
    .map((record) => ({
      record,
      stopIds: (data.variantStops[String(record.lineVariantId)] ?? []).filter((id) => stops.has(id)),
    }))
    .filter(({ stopIds }) => stopIds.length >= 2);
  const variantsPerLine = new Map<string, number>();
  for (const { record } of runnable)
    variantsPerLine.set(lineKey(record.line), (variantsPerLine.get(lineKey(record.line)) ?? 0) + 1);
  const variants = runnable.map(({ record, stopIds }) =>
    buildVariant(
      seed,
      record,
      stopIds,
      stopIds.map((id) => stops.get(id) as LonLat),
      variantsPerLine.get(lineKey(record.line))!,
    ),
  );
  assignBusIds(hashSeed(seed), variants);
  return variants;
}
