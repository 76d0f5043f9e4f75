import { loadMontevideoData, type MontevideoData } from '../shared/montevideo-data';
import { BusSimulator } from './bus-simulator';
import { buildRoute, haversineMeters, projectOntoRoute, type LonLat, type Route } from '../shared/route';
import type { SimVehicle } from './sim-types';
import { parseStmTimestamp } from './stm-time';

const data = loadMontevideoData();
const simulator = new BusSimulator(data, { seed: 1, timeScale: 1 });
/** An arbitrary moment: 2025-11-15 13:14:07.250 in Montevideo. */
const AT = Date.UTC(2025, 10, 15, 16, 14, 7, 250);
const COMPANIES = ['CUTCSA', 'COETC', 'COME', 'UCOT'];
const STM_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000-03$/;

const stopCoordinates = new Map(data.stops.map((s) => [s.busstopId, s.location.coordinates]));
const routes = new Map<number, Route>();
function routeOf(variantId: number): Route {
  let route = routes.get(variantId);
  if (!route) {
    const points = data.variantStops[String(variantId)].map((id) => stopCoordinates.get(id));
    route = buildRoute(points.filter((p): p is LonLat => p !== undefined));
    routes.set(variantId, route);
  }
  return route;
}

/** Just line G's variant 69, for tests that need a simulator but not the whole fleet. */
const oneVariant: MontevideoData = {
  ...data,
  variants: data.variants.filter((v) => v.lineVariantId === 69),
  variantStops: { '69': data.variantStops['69'] },
};

const busKey = (v: { company?: string; companyName?: string; busId: number }): string =>
  `${v.company ?? v.companyName}/${v.busId}`;

describe('BusSimulator', () => {
  describe('now', () => {
    it('runs from startedAt at timeScale times the wall clock', () => {
      const startedAt = Date.now() - 10_000;
      const fast = new BusSimulator(oneVariant, { seed: 1, timeScale: 30, startedAt });
      const simulatedElapsed = fast.now() - startedAt;
      expect(simulatedElapsed).toBeGreaterThanOrEqual(300_000);
      expect(simulatedElapsed).toBeLessThan(300_000 + 30 * 5_000);
    });
  });

  describe('simulatedLines', () => {
    it('lists the 90 lines with a known stop sequence, and no line without one', () => {
      const lines = simulator.simulatedLines();
      expect(lines).toHaveLength(90);
      expect(lines).toEqual(expect.arrayContaining(['G', '183', '2', 'CE1', '124 SD']));
      expect(lines).not.toContain('21');
    });
  });

  describe('vehicles', () => {
    const all = simulator.vehicles({ at: AT });

    it('is a pure function of seed and time: same seed agrees, another seed differs', () => {
      const twin = new BusSimulator(data, { seed: 1, timeScale: 60, startedAt: 0 });
      expect(twin.vehicles({ at: AT })).toEqual(all);
      const other = new BusSimulator(data, { seed: 2, timeScale: 1 });
      expect(other.vehicles({ at: AT })).not.toEqual(all);
    });

    it('has at least one bus of every simulated line at arbitrary times', () => {
      for (const at of [AT, AT + 7 * 3_600_000 + 123_456, AT - 86_400_000 / 3]) {
        const lines = new Set(simulator.vehicles({ at }).map((v) => v.line));
        expect([...lines].sort()).toEqual([...simulator.simulatedLines()].sort());
      }
    });

    it('gives every bus an identity unique within its company', () => {
      expect(new Set(all.map((v) => v.company))).toEqual(new Set(COMPANIES));
      expect(new Set(all.map(busKey)).size).toBe(all.length);
      expect(all.every((v) => Number.isInteger(v.busId) && v.busId > 0)).toBe(true);
    });

    it('puts every bus within 50 m of its variant route, with 6-decimal coordinates', () => {
      const offRoute = all.filter((v) => {
        const [lon, lat] = v.location.coordinates;
        const rounded = Math.round(lon * 1e6) / 1e6 === lon && Math.round(lat * 1e6) / 1e6 === lat;
        return !rounded || projectOntoRoute(routeOf(v.lineVariantId), [lon, lat]).distanceToRoute >= 50;
      });
      expect(offRoute).toEqual([]);
    });

    it('moves buses at most 35 km/h (plus GPS noise) in a minute, except when restarting a trip', () => {
      const later = new Map(simulator.vehicles({ at: AT + 60_000 }).map((v) => [busKey(v), v]));
      const noiseMetres = 12;
      const maxMetres = (35 / 3.6) * 60 + noiseMetres;
      let moving = 0;
      let restarts = 0;
      const tooFast: string[] = [];
      for (const before of all) {
        const after = later.get(busKey(before)) as SimVehicle;
        const moved = haversineMeters(before.location.coordinates, after.location.coordinates);
        const route = routeOf(before.lineVariantId);
        // A bus that ends its trip within the minute reappears at the first stop for its next one.
        const restarted =
          projectOntoRoute(route, before.location.coordinates).along > route.length - maxMetres &&
          haversineMeters(after.location.coordinates, route.points[0]) < noiseMetres;
        if (restarted) restarts++;
        if (!restarted && moved >= maxMetres) tooFast.push(`${busKey(before)} moved ${Math.round(moved)} m`);
        if (moved > 100) moving++;
      }
      expect(tooFast).toEqual([]);
      // Most of the fleet is on the road at any time, not parked.
      expect(moving).toBeGreaterThan(all.length / 2);
      expect(restarts).toBeLessThan(all.length / 20);
    });

    it('reports integer speeds that are plausible for a city bus', () => {
      expect(all.every((v) => Number.isInteger(v.speed) && v.speed >= 0 && v.speed <= 40)).toBe(true);
      expect(all.some((v) => v.speed === 0)).toBe(true);
      expect(all.some((v) => v.speed >= 18)).toBe(true);
    });

    it('stamps the last report, in -03 local time, never after `at` and at most 10 s before', () => {
      const wrong = all.filter((v) => {
        const reportedAt = parseStmTimestamp(v.timestamp);
        return !STM_TIMESTAMP.test(v.timestamp) || !(reportedAt <= AT && reportedAt > AT - 10_000);
      });
      expect(wrong).toEqual([]);
      // Buses report out of step with each other.
      expect(new Set(all.map((v) => v.timestamp)).size).toBe(10);
    });

    it('repeats a report until the bus reports again', () => {
      const [bus] = simulator.vehicles({ variantIds: [69], at: AT });
      const reportedAt = parseStmTimestamp(bus.timestamp);
      const [same] = simulator.vehicles({ variantIds: [69], at: reportedAt + 9_999 });
      const [next] = simulator.vehicles({ variantIds: [69], at: reportedAt + 10_000 });
      expect(same).toEqual(bus);
      expect(parseStmTimestamp(next.timestamp)).toBe(reportedAt + 10_000);
    });

    it('filters by line, trimmed and case-insensitively', () => {
      const g = simulator.vehicles({ lines: [' g '], at: AT });
      expect(g.length).toBeGreaterThan(0);
      expect(g).toEqual(all.filter((v) => v.line === 'G'));
      expect(new Set(g.map((v) => v.lineVariantId))).toEqual(new Set([69, 8802, 8803]));
    });

    it('filters by variant, alone or together with lines', () => {
      const byVariant = simulator.vehicles({ variantIds: [8389, 69], at: AT });
      expect(new Set(byVariant.map((v) => v.lineVariantId))).toEqual(new Set([8389, 69]));
      const both = simulator.vehicles({ lines: ['183'], variantIds: [8389, 69], at: AT });
      expect(both.length).toBeGreaterThan(0);
      expect(both.every((v) => v.lineVariantId === 8389 && v.line === '183')).toBe(true);
    });

    it('answers an empty list for unknown and unsimulated lines', () => {
      expect(simulator.vehicles({ lines: ['NOPE'], at: AT })).toEqual([]);
      expect(simulator.vehicles({ lines: ['21'], at: AT })).toEqual([]);
    });

    it('answers a few lines well under 10 ms', () => {
      const timings = Array.from({ length: 21 }, () => {
        const start = performance.now();
        simulator.vehicles({ lines: ['G', '183', '2'] });
        return performance.now() - start;
      }).sort((a, b) => a - b);
      expect(timings[10]).toBeLessThan(10);
    });
  });

  describe('upcoming', () => {
    // Line 2, variant 74, serves stop 3102 well into its route.
    const STOP = 3102;

    it('lists buses still to reach the stop, soonest first, at most N per line', () => {
      const upcoming = simulator.upcoming(STOP, [], 2, AT);
      expect(upcoming.length).toBeGreaterThan(0);
      const etas = upcoming.map((u) => u.eta);
      expect(etas).toEqual([...etas].sort((a, b) => a - b));
      const perLine = new Map<string, number>();
      for (const u of upcoming) perLine.set(u.line, (perLine.get(u.line) ?? 0) + 1);
      expect(Math.max(...perLine.values())).toBeLessThanOrEqual(2);
      expect([...perLine.keys()].sort()).toEqual(
        simulator
          .linesForStop(STOP)
          .map((l) => l.line)
          .sort(),
      );
    });

    it('leaves out buses that already reached the stop on their trip', () => {
      const upcoming = simulator.upcoming(STOP, [], 100, AT);
      expect(upcoming.length).toBeGreaterThan(6);
      // Each bus is before the stop on its route, by about the distance it claims.
      const misplaced = upcoming.filter((u) => {
        const route = routeOf(u.lineVariantId);
        const stopAlong = projectOntoRoute(route, stopCoordinates.get(STOP) as LonLat).along;
        const busAlong = projectOntoRoute(route, u.location.coordinates).along;
        return u.position < 0 || Math.abs(stopAlong - busAlong - u.distance) > 15;
      });
      expect(misplaced).toEqual([]);
    });

    it('keeps only the requested lines', () => {
      const upcoming = simulator.upcoming(STOP, ['2'], 10, AT);
      expect(upcoming.length).toBeGreaterThan(0);
      expect(upcoming.every((u) => u.line === '2')).toBe(true);
    });

    it('counts a bus eta down as time advances', () => {
      const [first] = simulator.upcoming(STOP, ['2'], 10, AT).filter((u) => u.eta > 120);
      const later = simulator.upcoming(STOP, ['2'], 10, AT + 60_000).find((u) => busKey(u) === busKey(first));
      expect(later).toBeDefined();
      expect(later?.eta).toBeGreaterThanOrEqual(first.eta - 61);
      expect(later?.eta).toBeLessThanOrEqual(first.eta - 59);
      expect(later?.distance).toBeLessThanOrEqual(first.distance);
    });
  });

  describe('linesForStop', () => {
    it('names the simulated lines serving a stop, with their line ids', () => {
      expect(simulator.linesForStop(3102)).toEqual([
        { lineId: 485, line: '2' },
        { lineId: 62, line: '144' },
        { lineId: 443, line: '145' },
      ]);
    });

    it('is empty for a stop no simulated variant serves', () => {
      expect(simulator.linesForStop(999_999)).toEqual([]);
    });
  });
});
