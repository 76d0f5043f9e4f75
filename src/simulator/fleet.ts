import type { DayType } from '../catalog/entities/variant-schedule.entity';
import type { MontevideoData } from '../shared/montevideo-data';
import { haversineMeters } from '../shared/route';
import { intBetween, streamFor } from './prng';
import { RUSH_HOUR_FACTOR } from './schedule';
import { simNetworkOf, type SimNetwork, type SimRoad } from './sim-network';
import { DAY_TYPE_INDEX, departureMinutes } from './timetable';
import { MAX_CRUISE_KMH, MIN_CRUISE_KMH, segmentBaseSpeedsKmh } from './trip-profile';

// Module-level aliases: under jest's vm sandbox a global `Math.` lookup costs more than the arithmetic.
const { floor: math_floor, max: math_max, min: math_min, round: math_round } = Math;

/**
 * The simulated fleet, per seed: each line's operator, each variant's typical speeds, and for each kind of
 * service day the line's buses — its scheduled trips chained into the day's work of each bus (a bus that
 * ends a trip at a terminus takes the next trip that leaves from there, often of another variant: the
 * other direction). Built a line and a day type at a time, on first use; nothing here changes afterwards.
 */

/** Montevideo's operators; CUTCSA runs most of the network. */
const COMPANIES: { name: string; share: number }[] = [
  { name: 'CUTCSA', share: 0.6 },
  { name: 'COETC', share: 0.15 },
  { name: 'COME', share: 0.12 },
  { name: 'UCOT', share: 0.13 },
];

// Salts keep the random streams of different decisions apart even when their other keys coincide.
// 3 drew the one timetable each bus used to repeat, and 4 the shuffled bus numbers: retired, not reused.
export const Salt = {
  Company: 1,
  Variant: 2,
  Report: 5,
  Noise: 6,
  Trip: 7,
  ShortTurn: 8,
  Lag: 9,
  Dropout: 10,
  Detour: 11,
  Departure: 12,
} as const;

/** A bus takes the next trip from where its last one ended: the two stops at most this far apart. */
const SAME_TERMINUS_M = 600;
/** The least time a bus spends at its terminus between two trips. */
export const TURNAROUND_MS = 3 * 60_000;
/** A bus leaves the depot for its first trip and shows in the feed, at its first stop, this long before. */
export const PRE_DEPARTURE_MS = 5 * 60_000;
/** Slower than a typical trip by this much, and a margin on top: what a bus's day is planned with. */
const SLOW_PACE = 0.9;
const PLAN_MARGIN_MS = 3 * 60_000;
/** Bus numbers: each line of an operator has a block of them, half for even service days, half for odd. */
export const BUS_NUMBERS_PER_LINE = 600;
const PER_PARITY = BUS_NUMBERS_PER_LINE / 2;

export interface SimVariant extends SimRoad {
  /** Typical cruise speed on each stretch between stops (km/h), before time of day and the bus's own pace. */
  baseSpeedsKmh: number[];
}

/** A scheduled trip of a line's day, as planned: times in ms after the service day's midnight. */
export interface PlannedTrip {
  variant: SimVariant;
  /** The minute of the timetable it runs for. */
  minute: number;
  /** When it leaves its first stop: the timetable's minute, plus the bus's own lateness (0–60 s). */
  startMs: number;
  /** The latest it will reach its last stop, however slow the trip (it is squeezed to fit otherwise). */
  plannedEndMs: number;
}

/** One bus's day: its trips, in order, and when it is in service (ms after the service day's midnight). */
export interface SimBlock {
  index: number;
  trips: PlannedTrip[];
  fromMs: number;
  toMs: number;
}

export interface SimLine {
  key: string;
  line: string;
  company: string;
  /** Place among its operator's lines: where its block of bus numbers lies. */
  ordinal: number;
  variants: SimVariant[];
  days: Partial<Record<DayType, SimBlock[]>>;
}

export class SimFleet {
  readonly network: SimNetwork;
  private readonly lines = new Map<string, SimLine>();
  private readonly owners = new Map<string, { company: string; ordinal: number }>();
  private readonly byNumber = new Map<string, string>();

  constructor(
    private readonly data: MontevideoData,
    readonly seed: number,
  ) {
    this.network = simNetworkOf(data);
    const shaped = new Set(Object.keys(data.shapes).map(Number));
    const counts = new Map<string, number>();
    for (const [key, records] of this.network.lines) {
      if (!records.some((r) => shaped.has(r.lineVariantId))) continue;
      const company = pickCompany(seed, records[0].lineId);
      const ordinal = counts.get(company) ?? 0;
      counts.set(company, ordinal + 1);
      this.owners.set(key, { company, ordinal });
      this.byNumber.set(`${company}/${ordinal}`, key);
    }
  }

  /** Keys of the lines that may have buses (a variant with a shape). */
  lineKeys(): string[] {
    return [...this.owners.keys()];
  }

  line(key: string): SimLine | undefined {
    let line = this.lines.get(key);
    const owner = this.owners.get(key);
    if (!line && owner) {
      const variants = this.network.roadsOf(key).map((road) => this.variantOf(road));
      line = { key, line: variants[0]?.record.line ?? key, ...owner, variants, days: {} };
      this.lines.set(key, line);
    }
    return line;
  }

  /** The line's buses on a kind of service day. */
  blocks(line: SimLine, dayType: DayType): SimBlock[] {
    return (line.days[dayType] ??= chainTrips(this.plannedTrips(line, dayType)));
  }

  /** The bus number of block `index` on a service day of the given parity; and back. */
  busNumber(line: SimLine, parity: number, index: number): number {
    return line.ordinal * BUS_NUMBERS_PER_LINE + parity * PER_PARITY + (index % PER_PARITY) + 1;
  }

  busOf(company: string, busId: number): { line: SimLine; parity: number; index: number } | undefined {
    const n = busId - 1;
    const key = this.byNumber.get(`${company}/${math_floor(n / BUS_NUMBERS_PER_LINE)}`);
    const line = key === undefined ? undefined : this.line(key);
    if (!line || n < 0) return undefined;
    const rest = n % BUS_NUMBERS_PER_LINE;
    return { line, parity: math_floor(rest / PER_PARITY), index: rest % PER_PARITY };
  }

  /** How often the bus reports (10–20 s, whole seconds) and at which second of that period. */
  reportRhythm(line: SimLine, parity: number, index: number): { intervalMs: number; phaseMs: number } {
    const random = streamFor(this.seed, Salt.Report, line.ordinal, hashCompany(line.company), parity, index);
    const intervalMs = intBetween(random, 10, 20) * 1000;
    return { intervalMs, phaseMs: intBetween(random, 0, intervalMs / 1000 - 1) * 1000 };
  }

  private variantOf(road: SimRoad): SimVariant {
    const random = streamFor(this.seed, Salt.Variant, road.record.lineVariantId);
    const baseSpeedsKmh = segmentBaseSpeedsKmh(road.offsets, random).map((kmh, k) => {
      // The centre (Ciudad Vieja, Centro, Cordón) crawls; the outskirts run freer.
      const mid = (road.offsets[k] + road.offsets[k + 1]) / 2;
      const fromCentre = haversineMeters(pointNear(road, mid), CENTRE);
      return kmh * (fromCentre < 2_500 ? 0.85 : fromCentre > 8_000 ? 1.1 : 1);
    });
    return { ...road, baseSpeedsKmh };
  }

  private plannedTrips(line: SimLine, dayType: DayType): PlannedTrip[] {
    const trips: PlannedTrip[] = [];
    for (const variant of line.variants) {
      const id = variant.record.lineVariantId;
      for (const minute of departureMinutes(this.data.schedules, this.seed, id, dayType)) {
        const late = streamFor(this.seed, Salt.Departure, id, DAY_TYPE_INDEX[dayType], minute)();
        const startMs = minute * 60_000 + math_floor(late * 60) * 1000;
        const hour = (minute / 60) % 24;
        const rush = (hour >= 6.5 && hour < 10) || (hour >= 16.5 && hour < 20);
        const factor = (rush ? RUSH_HOUR_FACTOR : 1) * SLOW_PACE;
        trips.push({
          variant,
          minute,
          startMs,
          plannedEndMs: startMs + expectedTripMs(variant, factor) + PLAN_MARGIN_MS,
        });
      }
    }
    return trips.sort(
      (a, b) => a.startMs - b.startMs || a.variant.record.lineVariantId - b.variant.record.lineVariantId,
    );
  }
}

/** Plaza Independencia. */
const CENTRE: [number, number] = [-56.2003, -34.9068];

function pointNear(road: SimRoad, along: number): [number, number] {
  const { points, cumulative } = road.route;
  let i = 0;
  while (i < points.length - 2 && cumulative[i + 1] < along) i++;
  return points[i];
}

function hashCompany(company: string): number {
  return COMPANIES.findIndex((c) => c.name === company);
}

function pickCompany(seed: number, lineId: number): string {
  let r = streamFor(seed, Salt.Company, lineId)();
  for (const company of COMPANIES) {
    if (r < company.share) return company.name;
    r -= company.share;
  }
  return COMPANIES[0].name;
}

/** Average trip time at `factor` × the base speeds: 20 s per stop, a quarter of the stretches held ~25 s. */
function expectedTripMs(variant: SimVariant, factor: number): number {
  const { offsets, baseSpeedsKmh } = variant;
  let ms = 0;
  for (let k = 0; k < baseSpeedsKmh.length; k++) {
    const kmh = math_min(MAX_CRUISE_KMH, math_max(MIN_CRUISE_KMH, baseSpeedsKmh[k] * factor));
    ms += ((offsets[k + 1] - offsets[k]) / (kmh / 3.6)) * 1000 + 20_000 + 0.25 * 25_000;
  }
  return math_round(ms);
}

/**
 * The day's work of each bus: trips in start order, each taken by the bus that has waited longest at a
 * terminus near its first stop and is ready in time, or by a bus out of the depot.
 */
export function chainTrips(trips: readonly PlannedTrip[]): SimBlock[] {
  const blocks: SimBlock[] = [];
  for (const trip of trips) {
    const first = trip.variant.route.points[0];
    let chosen: SimBlock | undefined;
    for (const block of blocks) {
      const last = block.trips[block.trips.length - 1];
      if (last.plannedEndMs + TURNAROUND_MS > trip.startMs) continue;
      const end = last.variant.route.points[last.variant.route.points.length - 1];
      if (haversineMeters(end, first) > SAME_TERMINUS_M) continue;
      if (!chosen || last.plannedEndMs < chosen.trips[chosen.trips.length - 1].plannedEndMs) chosen = block;
    }
    if (chosen) {
      chosen.trips.push(trip);
      chosen.toMs = trip.plannedEndMs;
    } else {
      blocks.push({
        index: blocks.length,
        trips: [trip],
        fromMs: trip.startMs - PRE_DEPARTURE_MS,
        toMs: trip.plannedEndMs,
      });
    }
  }
  return blocks;
}
