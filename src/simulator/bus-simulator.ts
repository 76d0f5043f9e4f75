import type { MontevideoData } from '../shared/montevideo-data';
import { busReportAt, type BusReport } from './bus-state';
import { buildFleet, lineKey, type SimBus, type SimVariant } from './fleet';
import type { BusSimulatorOptions, SimStopLine, SimUpcomingBus, SimVehicle, VehicleQuery } from './sim-types';
import { formatStmTimestamp } from './stm-time';

const byLineName = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

/**
 * Buses of every variant whose stop sequence is known, moving on a cyclic timetable anchored to the epoch.
 * Output at a given simulated time depends only on the seed and that time, so requests need no locking,
 * any number of simulator processes with the same seed agree, and tests can ask about any moment.
 */
export class BusSimulator {
  readonly seed: number;
  readonly timeScale: number;
  readonly startedAt: number;
  private readonly variants: SimVariant[];
  private readonly variantsByLine = new Map<string, SimVariant[]>();
  private readonly variantsByStop = new Map<number, { variant: SimVariant; stopIndex: number }[]>();
  private readonly stopIds: Set<number>;

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
        vehicles.push(this.toVehicle(variant, bus, busReportAt(this.seed, variant, bus, at)));
      }
    }
    return vehicles;
  }

  /**
   * Buses of `lines` (all lines serving the stop when empty) that have not yet reached the stop on their
   * current trip, soonest first, at most `amountPerLine` per line. The eta is the bus's true arrival.
   */
  upcoming(stopId: number, lines: string[], amountPerLine: number, at: number = this.now()): SimUpcomingBus[] {
    const wanted = new Set(lines.map(lineKey).filter((l) => l !== ''));
    const candidates: { item: SimUpcomingBus; arrival: number }[] = [];
    for (const { variant, stopIndex } of this.variantsByStop.get(stopId) ?? []) {
      if (wanted.size > 0 && !wanted.has(variant.lineKey)) continue;
      for (const bus of variant.buses) {
        const report = busReportAt(this.seed, variant, bus, at);
        const arrival = this.arrivalAt(variant, bus, report, stopIndex);
        if (arrival === undefined) continue;
        candidates.push({ item: this.toUpcoming(variant, bus, report, stopIndex, arrival, at), arrival });
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

  /** Epoch ms at which the bus will reach the stop, as known from its last report; undefined if already there. */
  private arrivalAt(variant: SimVariant, bus: SimBus, report: BusReport, stopIndex: number): number | undefined {
    const { state, reportedAt } = report;
    const stopTime = bus.profile.arrive[stopIndex];
    if (state.phase === 'at-terminus') return undefined;
    if (state.phase === 'on-trip' && stopTime <= reportedAt - state.tripStart) return undefined;
    return state.tripStart + stopTime;
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
      eta: Math.max(0, Math.round((arrival - at) / 1000)),
      distance: Math.max(0, Math.round(offsets[stopIndex] - motion.along)),
      position: stopIndex - motion.lastStop,
      access: null,
      thermalConfort: null,
      emissions: null,
      location: { type: 'Point', coordinates: [...report.coordinates] },
    };
  }
}
