import { dayTypeAt } from '../catalog/domain/service-days';
import type { MontevideoData } from '../shared/montevideo-data';
import { montevideoMidnight } from '../shared/montevideo-time';
import { busStateAt, feedReportAt, inService, truePoint, type SimFeedReport, type SimBus } from './bus-state';
import { SimFleet, type SimLine } from './fleet';
import { lineKey } from './sim-network';
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
import { servesStop, stopTimes, TripBook } from './trips';

// Module-level aliases: under jest's vm sandbox a global `Math.` lookup costs more than the arithmetic.
const { max: math_max, round: math_round } = Math;

/** arrivals() answers at most a day at a time: a day of the whole city is already over a million visits. */
export const MAX_ARRIVALS_WINDOW_MS = 86_400_000;

/** A query arrivals() cannot answer; the message says why. */
export class ArrivalQueryError extends Error {}

const DAY_MS = 86_400_000;
const byLineName = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

/**
 * The city's buses on their real roads (SPEC §3.6): every variant with a shape, its trips leaving at the
 * timetable's minutes for the day type (a made-up timetable where the city has none), chained into each
 * bus's day. Output at a given moment depends only on the seed and that moment (built trips are cached,
 * never state), so requests need no locking, any number of simulator processes with the same seed agree,
 * and tests can ask about any moment.
 *
 * Two clocks: the simulator's (`now()`, every timestamp and query) and the service's, `serviceAt` minus
 * `startedAt` ahead of it, which decides the timetable, the day type and the traffic.
 */
export class BusSimulator {
  readonly seed: number;
  readonly timeScale: number;
  readonly startedAt: number;
  /** Service time minus clock time. */
  readonly serviceShiftMs: number;
  private readonly fleet: SimFleet;
  private readonly book: TripBook;
  private readonly stopIds: Set<number>;
  private readonly busesByDay = new Map<string, SimBus[]>();
  private lineNames?: string[];

  constructor(data: MontevideoData, options: BusSimulatorOptions) {
    if (!Number.isFinite(options.seed)) throw new Error(`seed must be a finite number, got ${options.seed}`);
    if (!(options.timeScale > 0) || !Number.isFinite(options.timeScale)) {
      throw new Error(`timeScale must be a positive number, got ${options.timeScale}`);
    }
    this.seed = options.seed;
    this.timeScale = options.timeScale;
    this.startedAt = options.startedAt ?? Date.now();
    this.serviceShiftMs = (options.serviceAt ?? this.startedAt) - this.startedAt;
    this.stopIds = new Set(data.stops.map((s) => s.busstopId));
    this.fleet = new SimFleet(data, options.seed);
    this.book = new TripBook(options.seed);
  }

  /** Simulated epoch ms. */
  now(): number {
    return this.startedAt + (Date.now() - this.startedAt) * this.timeScale;
  }

  hasStop(stopId: number): boolean {
    return this.stopIds.has(stopId);
  }

  /**
   * Lines with a variant the city draws a road for: those the simulator runs. Cheap (it works nothing out),
   * so that /health can say it at once.
   */
  simulatedLines(): string[] {
    this.lineNames ??= this.fleet
      .lineKeys()
      .map((key) => this.fleet.network.lines.get(key)![0].line)
      .sort(byLineName);
    return this.lineNames;
  }

  simulatedVariantIds(): number[] {
    return this.allLines()
      .flatMap((l) => l.variants.map((v) => v.record.lineVariantId))
      .sort((a, b) => a - b);
  }

  vehicles(query: VehicleQuery = {}): SimVehicle[] {
    const t = (query.at ?? this.now()) + this.serviceShiftMs;
    const wantedIds = query.variantIds?.length ? new Set(query.variantIds) : undefined;
    const vehicles: SimVehicle[] = [];
    // Variants alone name their lines: the rest of the city need not be looked at.
    const lines =
      !query.lines?.length && wantedIds
        ? [...new Set([...wantedIds].flatMap((id) => this.fleet.network.lineOfVariant(id) ?? []))].flatMap(
            (key) => this.fleet.line(key) ?? [],
          )
        : this.linesFor(query.lines);
    for (const line of lines) {
      for (const bus of this.busesAround(line, t)) {
        const report = feedReportAt(this.seed, this.book, bus, t);
        if (!report || (wantedIds && !wantedIds.has(report.state.trip.variant.record.lineVariantId))) continue;
        vehicles.push(this.toVehicle(bus, report));
      }
    }
    return vehicles;
  }

  /**
   * Buses of `lines` (all lines serving the stop when empty) in service on a trip that serves the stop and
   * has not reached it yet (or waiting to start one), as the feed shows them at `at`: soonest first, at most
   * `amountPerLine` per line. The eta is the bus's true arrival.
   */
  upcoming(stopId: number, lines: string[], amountPerLine: number, at: number = this.now()): SimUpcomingBus[] {
    const t = at + this.serviceShiftMs;
    const wanted = new Set(lines.map(lineKey).filter((l) => l !== ''));
    const visits = new Map<number, number[]>();
    const lineKeys = new Set<string>();
    for (const { road, stopIndex } of this.fleet.network.visitsOf(stopId)) {
      if (wanted.size > 0 && !wanted.has(road.lineKey)) continue;
      visits.set(road.record.lineVariantId, [...(visits.get(road.record.lineVariantId) ?? []), stopIndex]);
      lineKeys.add(road.lineKey);
    }
    const candidates: { item: SimUpcomingBus; arrival: number }[] = [];
    for (const key of lineKeys) {
      const line = this.fleet.line(key)!;
      for (const bus of this.busesAround(line, t)) {
        const report = feedReportAt(this.seed, this.book, bus, t);
        if (!report || report.state.phase === 'at-terminus') continue;
        const { trip } = report.state;
        // A stop the variant passes twice: the next visit is the one that counts.
        const next = (visits.get(trip.variant.record.lineVariantId) ?? [])
          .filter((i) => servesStop(trip, i) && trip.start + trip.profile.arrive[i] > t)
          .sort((a, b) => a - b)[0];
        if (next === undefined) continue;
        const arrival = trip.start + trip.profile.arrive[next];
        candidates.push({ item: this.toUpcoming(bus, report, next, arrival, t), arrival });
      }
    }
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
   * busId. The same timetable drives vehicles(), so at arrivedAt the bus is at the stop and just before it
   * is short of it. Throws ArrivalQueryError for a window that is not finite, inverted or over a day.
   */
  arrivals(query: ArrivalQuery): SimArrival[] {
    const { stopId } = query;
    if (!Number.isFinite(query.from) || !Number.isFinite(query.to)) {
      throw new ArrivalQueryError(`from and to must be epoch milliseconds, got ${query.from} and ${query.to}`);
    }
    if (query.from > query.to) throw new ArrivalQueryError(`from (${query.from}) must not be after to (${query.to})`);
    if (query.to - query.from > MAX_ARRIVALS_WINDOW_MS) {
      throw new ArrivalQueryError(
        `the window from ${query.from} to ${query.to} is longer than 24 h; ask for a day at a time`,
      );
    }
    const shift = this.serviceShiftMs;
    const [from, to] = [query.from + shift, query.to + shift];
    // Which stops of which variants to look at: those of the stop, or every stop of every variant.
    const targets = new Map<number, number[] | undefined>();
    const lines = this.linesFor(query.lines);
    if (stopId !== undefined) {
      const keys = new Set(lines.map((l) => l.key));
      for (const { road, stopIndex } of this.fleet.network.visitsOf(stopId)) {
        if (!keys.has(road.lineKey)) continue;
        targets.set(road.record.lineVariantId, [...(targets.get(road.record.lineVariantId) ?? []), stopIndex]);
      }
    }
    const arrivals: SimArrival[] = [];
    for (const line of lines) {
      if (stopId !== undefined && !line.variants.some((v) => targets.has(v.record.lineVariantId))) continue;
      for (
        let midnight = montevideoMidnight(from) - DAY_MS;
        midnight <= to;
        midnight = montevideoMidnight(midnight + 1.5 * DAY_MS)
      ) {
        for (const bus of this.busesOn(line, midnight)) {
          for (const [tripIndex, planned] of bus.block.trips.entries()) {
            const id = planned.variant.record.lineVariantId;
            if (stopId !== undefined && !targets.has(id)) continue;
            if (midnight + planned.startMs > to || midnight + planned.plannedEndMs < from) continue;
            const trip = this.book.tripOf(bus, tripIndex);
            const indexes = targets.get(id) ?? trip.variant.stopIds.map((_, i) => i);
            for (const stopIndex of indexes) {
              if (!servesStop(trip, stopIndex)) continue;
              const { arrivedAt, departedAt } = stopTimes(trip, stopIndex);
              if (arrivedAt < from || arrivedAt > to) continue;
              arrivals.push({
                busId: bus.busId,
                company: bus.company,
                line: trip.variant.record.line,
                lineVariantId: id,
                stopId: trip.variant.stopIds[stopIndex],
                stopIndex,
                arrivedAt: arrivedAt - shift,
                departedAt: departedAt - shift,
              });
            }
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

  /** The buses that have work on the service days running at `at` (default now()), line by line. */
  buses(at: number = this.now()): SimBusInfo[] {
    const t = at + this.serviceShiftMs;
    return this.allLines().flatMap((line) =>
      this.busesAround(line, t).map((bus) => ({
        company: bus.company,
        busId: bus.busId,
        line: line.line,
        lineVariantId: busStateAt(this.book, bus, t).trip.variant.record.lineVariantId,
      })),
    );
  }

  /** Where the bus truly is at `at` (default now()), in service or not; undefined for an unknown bus. */
  trueState(key: SimBusKey, at: number = this.now()): SimBusTruth | undefined {
    const t = at + this.serviceShiftMs;
    const found = this.fleet.busOf(key.company, key.busId);
    if (!found) return undefined;
    const bus = [montevideoMidnight(t), montevideoMidnight(t) - DAY_MS]
      .filter((midnight) => dayNumber(midnight) % 2 === found.parity)
      .map((midnight) => this.busesOn(found.line, midnight)[found.index])
      .find((b) => b !== undefined);
    if (!bus || bus.busId !== key.busId) return undefined;
    const state = busStateAt(this.book, bus, t);
    const { trip, motion } = state;
    return {
      company: bus.company,
      busId: bus.busId,
      line: found.line.line,
      lineVariantId: trip.variant.record.lineVariantId,
      phase: state.phase,
      inService: inService(state),
      tripIndex: state.tripIndex,
      tripStart: trip.start - this.serviceShiftMs,
      firstStop: 0,
      lastStop: trip.lastStop,
      along: motion.along,
      speedMps: motion.speedMps,
      stopIndex: motion.lastStop,
      location: { type: 'Point', coordinates: truePoint(state) },
      detour: trip.detour && { from: trip.detour.from, to: trip.detour.to },
    };
  }

  linesForStop(stopId: number): SimStopLine[] {
    const lines = new Map<string, SimStopLine>();
    for (const { road } of this.fleet.network.visitsOf(stopId)) {
      lines.set(road.record.line, { lineId: road.record.lineId, line: road.record.line });
    }
    return [...lines.values()].sort((a, b) => byLineName(a.line, b.line));
  }

  private allLines(): SimLine[] {
    return this.fleet.lineKeys().flatMap((key) => this.fleet.line(key) ?? []);
  }

  private linesFor(lines: string[] | undefined): SimLine[] {
    const keys = (lines ?? []).map(lineKey).filter((l) => l !== '');
    if (keys.length === 0) return this.allLines();
    return [...new Set(keys)].flatMap((key) => this.fleet.line(key) ?? []);
  }

  /** The line's buses on the service days that can have trips running at service time t: today's and yesterday's. */
  private busesAround(line: SimLine, t: number): SimBus[] {
    const today = montevideoMidnight(t);
    return [...this.busesOn(line, today - DAY_MS), ...this.busesOn(line, today)].filter(
      (bus) => t >= bus.midnight + bus.block.fromMs && t <= bus.midnight + bus.block.toMs + 5 * 60_000,
    );
  }

  /** The line's buses on the service day starting at `midnight`; remembered for a few days of the network. */
  private busesOn(line: SimLine, midnight: number): SimBus[] {
    const day = dayNumber(midnight);
    const key = `${line.key}/${day}`;
    let buses = this.busesByDay.get(key);
    if (!buses) {
      const parity = day % 2;
      buses = this.fleet.blocks(line, dayTypeAt(midnight + DAY_MS / 2)).map((block) => {
        const rhythm = this.fleet.reportRhythm(line, parity, block.index);
        return {
          line,
          block,
          midnight,
          company: line.company,
          busId: this.fleet.busNumber(line, parity, block.index),
          ...rhythm,
          identity: [line.ordinal, companyCode(line.company), parity, block.index],
          trips: [],
        };
      });
      // About two days of the whole network (each bus keeps the trips it ran): older days are dropped.
      if (this.busesByDay.size > 600) this.busesByDay.clear();
      this.busesByDay.set(key, buses);
    }
    return buses;
  }

  private toVehicle(bus: SimBus, report: SimFeedReport): SimVehicle {
    const { record } = report.state.trip.variant;
    return {
      eType: 'buses',
      company: bus.company,
      timestamp: formatStmTimestamp(report.reportedAt - this.serviceShiftMs),
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
    bus: SimBus,
    report: SimFeedReport,
    stopIndex: number,
    arrival: number,
    t: number,
  ): SimUpcomingBus {
    const { trip, motion } = report.state;
    const { record, offsets } = trip.variant;
    return {
      busId: bus.busId,
      companyName: bus.company,
      lineVariantId: record.lineVariantId,
      line: record.line,
      origin: record.origin,
      destination: record.destination,
      subline: record.subline,
      special: record.special,
      eta: math_round((arrival - t) / 1000),
      distance: math_max(0, math_round(offsets[stopIndex] - motion.along)),
      position: stopIndex - motion.lastStop,
      access: null,
      thermalConfort: null,
      emissions: null,
      location: { type: 'Point', coordinates: [...report.coordinates] },
    };
  }
}

function dayNumber(midnight: number): number {
  return math_round(midnight / DAY_MS);
}

function companyCode(company: string): number {
  let code = 0;
  for (const c of company) code = code * 31 + c.charCodeAt(0);
  return code >>> 0;
}
