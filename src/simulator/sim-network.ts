import { resolveVariantPaths, type NetworkData } from '../catalog/domain/route-resolution';
import type { VariantPath } from '../catalog/domain/variant-path';
import type { MontevideoData, RawLineVariant } from '../shared/montevideo-data';
import type { LonLat, Route } from '../shared/route';

/**
 * The roads the simulated buses drive: every variant with a shape of its own, from its first stop to its
 * last, with its stops (or, for a shape without a stop list, those of its line and direction) placed along
 * it — the catalogue's own resolution (SPEC §3.1), run on the shipped files. It depends on the data alone,
 * not on the seed, so it is worked out once per data set and per line, when a line is first asked about.
 */
export interface SimRoad {
  record: RawLineVariant;
  /** Line name trimmed and upper-cased, for lookups. */
  lineKey: string;
  route: Route;
  stopIds: number[];
  /** Metres along the route of each stop; 0 is the first, route.length the last. */
  offsets: number[];
}

export function lineKey(line: string): string {
  return line.trim().toUpperCase();
}

export class SimNetwork {
  /** Lines that have at least one variant with a shape, by key, with their variants' records. */
  readonly lines: Map<string, RawLineVariant[]>;
  private readonly roads = new Map<string, SimRoad[]>();
  private readonly input: NetworkData;
  private byStop?: Map<number, { road: SimRoad; stopIndex: number }[]>;
  private variantLines?: Map<number, string>;

  constructor(data: MontevideoData) {
    const stops = new Map<number, LonLat>(data.stops.map((s) => [s.busstopId, s.location.coordinates]));
    this.input = {
      variants: data.variants.map((v) => ({
        id: v.lineVariantId,
        line: v.line,
        origin: v.origin,
        destination: v.destination,
        subline: v.subline,
      })),
      shapeOf: (id) => data.shapes[String(id)],
      stopsOf: (id) => data.variantStops[String(id)],
      stopAt: (id) => stops.get(id),
    };
    this.lines = new Map();
    for (const v of [...data.variants].sort((a, b) => a.lineVariantId - b.lineVariantId)) {
      const key = lineKey(v.line);
      this.lines.set(key, [...(this.lines.get(key) ?? []), v]);
    }
  }

  /** The line key of a variant of the catalogue. */
  lineOfVariant(variantId: number): string | undefined {
    this.variantLines ??= new Map(
      [...this.lines].flatMap(([key, records]) => records.map((r) => [r.lineVariantId, key] as const)),
    );
    return this.variantLines.get(variantId);
  }

  /** The driven variants of a line (by key), by variant id; none for a line without a shape. */
  roadsOf(key: string): SimRoad[] {
    let roads = this.roads.get(key);
    if (!roads) {
      const records = this.lines.get(key) ?? [];
      const paths = records.length
        ? resolveVariantPaths(this.input, [records[0].line])
        : new Map<number, VariantPath>();
      roads = records.flatMap((record) => {
        const path = paths.get(record.lineVariantId);
        // Only a variant's own road: a sibling's geometry is the tracker's best guess, not where a bus drives.
        if (!path || (path.source !== 'shape' && path.source !== 'stand-in-stops')) return [];
        return [{ record, lineKey: key, route: path.route, stopIds: path.stopIds, offsets: path.offsets }];
      });
      this.roads.set(key, roads);
    }
    return roads;
  }

  /** Every driven variant's visits to the stop: the first call works out the whole network. */
  visitsOf(stopId: number): { road: SimRoad; stopIndex: number }[] {
    if (!this.byStop) {
      const byStop = new Map<number, { road: SimRoad; stopIndex: number }[]>();
      for (const key of this.lines.keys()) {
        for (const road of this.roadsOf(key)) {
          road.stopIds.forEach((id, stopIndex) => byStop.set(id, [...(byStop.get(id) ?? []), { road, stopIndex }]));
        }
      }
      this.byStop = byStop;
    }
    return this.byStop.get(stopId) ?? [];
  }
}

const networks = new WeakMap<MontevideoData, SimNetwork>();

/** One network per data set, shared by every simulator built on it (tests build many). */
export function simNetworkOf(data: MontevideoData): SimNetwork {
  let network = networks.get(data);
  if (!network) networks.set(data, (network = new SimNetwork(data)));
  return network;
}
