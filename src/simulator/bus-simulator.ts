import type { MontevideoData } from '../shared/montevideo-data';
import { busStateAt, feedReportAt, inService, truePoint, type BusReport } from './bus-state';
import { buildFleet, lineKey, type SimBus, type SimVariant } from './fleet';
import type {
  ArrivalQuery,
  BusSimulatorOptions,
  SimArrival,
  SimBusInfo,
  SimBusKey,
  SimBusTruth,
  SimStopLine,
  SimUpcomingBus,
  SimVehicle,
  VehicleQuery,
} from './sim-types';
import { formatStmTimestamp } from './stm-time';
import { stopTimes, tripIndexAt, tripOf } from './trips';

/** arrivals() answers at most a day at a time: a day of the whole city is already over a million visits. */
export const MAX_ARRIVALS_WINDOW_MS = 86_400_000;

/** A query arrivals() cannot answer; the message says why. */
export class ArrivalQueryError extends Error {}

const byLineName = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });
const busKey = (bus: SimBusKey): string => `${bus.company}/${bus.busId}`;

/**
 * Buses of every variant whose stop sequence is known, running trip after trip on a cycle anchored to the
 * epoch, each trip with its own timetable (see trips.ts). Output at a given simulated time depends only on
 * the seed and that time (built trips are cached, never state), so requests need no locking, any number of
 * simulator processes with the same seed agree, and tests can ask about any moment.
 */
export class BusSimulator {
  readonly seed: number;
  readonly timeScale: number;
  readonly startedAt: number;
  private readonly variants: SimVariant[];
  private readonly variantsByLine = new Map<string, SimVariant[]>();
  private readonly variantsByStop = new Map<number, { variant: SimVariant; stopIndex: number }[]>();
  private readonly stopIds: Set<number>;
  private readonly busesByKey = new Map<string, { variant: SimVariant; bus: SimBus }>();

  constructor(data: MontevideoData, options: BusSimulatorOptions) {
    if (!Number.isFinite(options.seed)) throw new Error(`seed must be a finite number, got ${options.seed}`);
    if (!(options.timeScale > 0) || !Number.isFinite(options.timeScale)) {
      throw new Error(`timeScale must be a positive number, got ${options.timeScale}`);
    }
    this.seed = options.seed;
    this.timeScale = options.timeScale;
    this.startedAt = options.startedAt ?? Date.now();
    this.stopIds = new Set(data.stops.map((s) => s.busstopId));
    this.variants = buildFleet(data, options.seed);
    for (const variant of this.variants) {
      const sameLine = this.variantsByLine.get(variant.lineKey) ?? [];
      sameLine.push(variant);
      this.variantsByLine.set(variant.lineKey, sameLine);
      variant.stopIds.forEach((stopId, stopIndex) => {
        const entries = this.variantsByStop.get(stopId) ?? [];
        entries.push({ variant, stopIndex });
        this.variantsByStop.set(stopId, entries);
      });
      for (const bus of variant.buses) this.busesByKey.set(busKey(bus), { variant, bus });
    }
  }

  /** Simulated epoch ms. */
  now(): number {
    return this.startedAt + (Date.now() - this.startedAt) * this.timeScale;
  }

  hasStop(stopId: number): boolean {
    return this.stopIds.has(stopId);
  }

  simulatedLines(): string[] {
    return [...new Set(this.variants.map((v) => v.record.line))].sort(byLineName);
  }

  simulatedVariantIds(): number[] {
    return this.variants.map((v) => v.record.lineVariantId);
  }

  vehicles(query: VehicleQuery = {}): SimVehicle[] {
    const at = query.at ?? this.now();
    const wantedIds = query.variantIds?.length ? new Set(query.variantIds) : undefined;
    const vehicles: SimVehicle[] = [];
    for (const variant of this.variantsFor(query.lines)) {
      if (wantedIds && !wantedIds.has(variant.record.lineVariantId)) continue;
      for (const bus of variant.buses) {
        const report = feedReportAt(this.seed, variant, bus, at);
        if (report) vehicles.push(this.toVehicle(variant, bus, report));
      }
    }
    return vehicles;
  }

  /**
   * Buses of `lines` (all lines serving the stop when empty) in service on a trip that serves the stop and
   * has not reached it yet, as the feed shows them at `at`: soonest first, at most `amountPerLine` per line,
   * each bus once. The eta is the bus's true arrival, so a bus the feed shows late but that is in truth
   * already there is left out.
   */
  upcoming(stopId: number, lines: string[], amountPerLine: number, at: number = this.now()): SimUpcomingBus[] {
    const wanted = new Set(lines.map(lineKey).filter((l) => l !== ''));
    const soonest = new Map<SimBus, { item: SimUpcomingBus; arrival: number }>();
    for (const { variant, stopIndex } of this.variantsByStop.get(stopId) ?? []) {
      if (wanted.size > 0 && !wanted.has(variant.lineKey)) continue;
      for (const bus of variant.buses) {
        const report = feedReportAt(this.seed, variant, bus, at);
        if (!report) continue;
        const arrival = this.arrivalAt(report, stopIndex, at);
        if (arrival === undefined) continue;
        // A stop the variant passes twice: the next visit is the one that counts.
        const known = soonest.get(bus);
        if (known && known.arrival <= arrival) continue;
        soonest.set(bus, { item: this.toUpcoming(variant, bus, report, stopIndex, arrival, at), arrival });
      }
    }
    const candidates = [...soonest.values()];
    candidates.sort((a, b) => a.arrival - b.arrival || a.item.distance - b.item.distance);
    const perLine = new Map<string, number>();
    const result: SimUpcomingBus[] = [];
    for (const { item } of candidates) {
      const taken = perLine.get(item.line) ?? 0;
      if (taken >= amountPerLine) continue;
      perLine.set(item.line, taken + 1);
      result.push(item);
    }
    return result;
  }

  /**
   * Ground truth: every time a bus reached a stop in [from, to] on a trip that serves it, by arrivedAt then
   * busId. The same timetable drives vehicles(), so at arrivedAt the bus is at the stop and just before
   * it is short of it. Throws ArrivalQueryError for a window that is not finite, inverted or over a day.
   */
  arrivals(query: ArrivalQuery): SimArrival[] {
    const { stopId, from, to } = query;
    if (!Number.isFinite(from) || !Number.isFinite(to)) {
      throw new ArrivalQueryError(`from and to must be epoch milliseconds, got ${from} and ${to}`);
    }
    if (from > to) throw new ArrivalQueryError(`from (${from}) must not be after to (${to})`);
    if (to - from > MAX_ARRIVALS_WINDOW_MS) {
      throw new ArrivalQueryError(`the window from ${from} to ${to} is longer than 24 h; ask for a day at a time`);
    }
    // Which stops of which variants to look at: those of the stop, or every stop of every variant.
    const targets = new Map<SimVariant, number[] | undefined>();
    if (stopId === undefined) {
      for (const variant of this.variantsFor(query.lines)) targets.set(variant, undefined);
    } else {
      const lines = new Set(this.variantsFor(query.lines));
      for (const { variant, stopIndex } of this.variantsByStop.get(stopId) ?? []) {
        if (lines.has(variant)) targets.set(variant, [...(targets.get(variant) ?? []), stopIndex]);
      }
    }
    const arrivals: SimArrival[] = [];
    for (const [variant, stopIndexes] of targets) {
      for (const bus of variant.buses) {
        // A trip ends before the next one starts, so the trip running at `from` is the first that counts.
        for (let k = tripIndexAt(variant, bus, from); k <= tripIndexAt(variant, bus, to); k++) {
          const trip = tripOf(this.seed, variant, bus, k);
          const { firstStop, lastStop } = trip;
          for (const stopIndex of stopIndexes ?? range(firstStop, lastStop)) {
            if (stopIndex < firstStop || stopIndex > lastStop) continue;
            const { arrivedAt, departedAt } = stopTimes(trip, stopIndex);
            if (arrivedAt < from || arrivedAt > to) continue;
            arrivals.push({
              busId: bus.busId,
              company: bus.company,
              line: variant.record.line,
              lineVariantId: variant.record.lineVariantId,
              stopId: variant.stopIds[stopIndex],
              stopIndex,
              arrivedAt,
              departedAt,
            });
          }
        }
      }
    }
    return arrivals.sort(
      (a, b) =>
        a.arrivedAt - b.arrivedAt ||
        a.busId - b.busId ||
        a.company.localeCompare(b.company) ||
        a.lineVariantId - b.lineVariantId ||
        a.stopIndex - b.stopIndex,
    );
  }

  /** Every simulated bus, in fleet order (by variant id). */
  buses(): SimBusInfo[] {
    return this.variants.flatMap((variant) =>
      variant.buses.map((bus) => ({
        company: bus.company,
        busId: bus.busId,
        line: variant.record.line,
        lineVariantId: variant.record.lineVariantId,
      })),
    );
  }

  /** Where the bus truly is at `at` (default now()), in service or not; undefined for an unknown bus. */
  trueState(key: SimBusKey, at: number = this.now()): SimBusTruth | undefined {
    const found = this.busesByKey.get(busKey(key));
    if (!found) return undefined;
    const { variant, bus } = found;
    const state = busStateAt(this.seed, variant, bus, at);
    const { trip, motion } = state;
    return {
      company: bus.company,
      busId: bus.busId,
      line: variant.record.line,
      lineVariantId: variant.record.lineVariantId,
      phase: state.phase,
      inService: inService(state),
      tripIndex: trip.index,
      tripStart: trip.start,
      firstStop: trip.firstStop,
      lastStop: trip.lastStop,
      along: motion.along,
      speedMps: motion.speedMps,
      stopIndex: motion.lastStop,
      location: { type: 'Point', coordinates: truePoint(variant, motion.along) },
    };
  }

  linesForStop(stopId: number): SimStopLine[] {
    const lines = new Map<string, SimStopLine>();
    for (const { variant } of this.variantsByStop.get(stopId) ?? []) {
      lines.set(variant.record.line, { lineId: variant.record.lineId, line: variant.record.line });
    }
    return [...lines.values()].sort((a, b) => byLineName(a.line, b.line));
  }

  private variantsFor(lines: string[] | undefined): SimVariant[] {
    const keys = (lines ?? []).map(lineKey).filter((l) => l !== '');
    if (keys.length === 0) return this.variants;
    return [...new Set(keys)].flatMap((key) => this.variantsByLine.get(key) ?? []);
  }

  /**
   * Epoch ms at which the bus reaches the stop on the trip its report shows, or undefined when that trip
   * does not serve the stop or the bus has reached it by `at` (the report, taken earlier, may not show it).
   */
  private arrivalAt(report: BusReport, stopIndex: number, at: number): number | undefined {
    const { trip } = report.state;
    if (report.state.phase === 'at-terminus') return undefined;
    if (stopIndex < trip.firstStop || stopIndex > trip.lastStop) return undefined;
    const arrival = trip.start + trip.profile.arrive[stopIndex];
    return arrival > at ? arrival : undefined;
  }

  private toVehicle(variant: SimVariant, bus: SimBus, report: BusReport): SimVehicle {
    const { record } = variant;
    return {
      eType: 'buses',
      company: bus.company,
      timestamp: formatStmTimestamp(report.reportedAt),
      busId: bus.busId,
      line: record.line,
      lineVariantId: record.lineVariantId,
      location: { type: 'Point', coordinates: report.coordinates },
      origin: record.origin,
      destination: record.destination,
      subline: record.subline,
      special: record.special,
      speed: report.speedKmh,
      access: null,
      thermalConfort: null,
      emissions: null,
    };
  }

  private toUpcoming(
    variant: SimVariant,
    bus: SimBus,
    report: BusReport,
    stopIndex: number,
    arrival: number,
    at: number,
  ): SimUpcomingBus {
    const { record, offsets } = variant;
    const { motion } = report.state;
    return {
      busId: bus.busId,
      companyName: bus.company,
      lineVariantId: record.lineVariantId,
      line: record.line,
      origin: record.origin,
      destination: record.destination,
      subline: record.subline,
      special: record.special,
      eta: Math.round((arrival - at) / 1000),
      distance: Math.max(0, Math.round(offsets[stopIndex] - motion.along)),
      position: stopIndex - motion.lastStop,
      access: null,
      thermalConfort: null,
      emissions: null,
      location: { type: 'Point', coordinates: [...report.coordinates] },
    };
  }
}

/** [from, to], both inclusive. */
function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
