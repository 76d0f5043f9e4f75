import { loadMontevideoData, type MontevideoData } from '../shared/montevideo-data';
import { ArrivalQueryError, BusSimulator } from './bus-simulator';
import { buildRoute, haversineMeters, projectOntoRoute, type LonLat, type Route } from '../shared/route';
import type { SimArrival } from './sim-types';
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

/** The variant's stops the simulator knows, in order: what stopIndex counts. */
const stopsOf = (variantId: number): number[] =>
  data.variantStops[String(variantId)].filter((id) => stopCoordinates.has(id));
const lastIndexOf = (variantId: number): number => stopsOf(variantId).length - 1;
const HOUR = 3_600_000;
/** Hours since Montevideo midnight (UTC−3). */
const localHour = (epochMs: number): number =>
  ((((epochMs - 3 * HOUR) % (24 * HOUR)) + 24 * HOUR) % (24 * HOUR)) / HOUR;

/** Arrivals grouped by the trip they belong to, as the true state at each arrival tells. */
function byTrip(sim: BusSimulator, arrivals: SimArrival[]) {
  const trips = new Map<string, { firstStop: number; lastStop: number; tripStart: number; visits: SimArrival[] }>();
  for (const a of arrivals) {
    const truth = sim.trueState(a, a.arrivedAt)!;
    const key = `${busKey(a)}@${truth.tripStart}`;
    const trip = trips.get(key) ?? {
      firstStop: truth.firstStop,
      lastStop: truth.lastStop,
      tripStart: truth.tripStart,
      visits: [],
    };
    trip.visits.push(a);
    trips.set(key, trip);
  }
  return [...trips.values()];
}

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

    it('puts every bus within 70 m of its variant route, with 6-decimal coordinates', () => {
      const offRoute = all.filter((v) => {
        const [lon, lat] = v.location.coordinates;
        const rounded = Math.round(lon * 1e6) / 1e6 === lon && Math.round(lat * 1e6) / 1e6 === lat;
        return !rounded || projectOntoRoute(routeOf(v.lineVariantId), [lon, lat]).distanceToRoute >= 70;
      });
      expect(offRoute).toEqual([]);
    });

    it('reports a few metres of GPS noise around the true position, and a rare jump of 25–60 m', () => {
      let jumps = 0;
      let total = 0;
      const wrong: string[] = [];
      for (const at of [AT, AT + 3_600_000, AT + 7_777_000]) {
        for (const v of simulator.vehicles({ at })) {
          const truth = simulator.trueState(v, parseStmTimestamp(v.timestamp));
          const off = haversineMeters(v.location.coordinates, truth!.location.coordinates);
          total++;
          // ±6 m on each axis is at most 8.5 m; a jump adds 25–60 m.
          if (off > 9) jumps++;
          if ((off > 9 && off < 25 - 9) || off > 60 + 9) wrong.push(`${busKey(v)} ${off.toFixed(1)} m off`);
        }
      }
      expect(wrong).toEqual([]);
      expect(jumps / total).toBeGreaterThan(0.004);
      expect(jumps / total).toBeLessThan(0.02);
    });

    it('moves buses at most 35 km/h (plus GPS noise) between reports, except when restarting a trip', () => {
      const later = new Map(simulator.vehicles({ at: AT + 60_000 }).map((v) => [busKey(v), v]));
      let moving = 0;
      let restarts = 0;
      const tooFast: string[] = [];
      for (const before of all) {
        const after = later.get(busKey(before));
        if (!after) continue;
        const [t0, t1] = [parseStmTimestamp(before.timestamp), parseStmTimestamp(after.timestamp)];
        const [truth0, truth1] = [simulator.trueState(before, t0)!, simulator.trueState(after, t1)!];
        // A bus that ends its trip within the minute reappears at the first stop for its next one.
        if (truth0.tripStart !== truth1.tripStart) {
          restarts++;
          continue;
        }
        // Noise of both reports, or a GPS jump in either (checked against the truth in the test above).
        const noiseMetres = [before, after].some(
          (v, i) => haversineMeters(v.location.coordinates, [truth0, truth1][i].location.coordinates) > 9,
        )
          ? 140
          : 17;
        const moved = haversineMeters(before.location.coordinates, after.location.coordinates);
        const maxMetres = (35 / 3.6) * ((t1 - t0) / 1000) + noiseMetres;
        if (moved >= maxMetres) tooFast.push(`${busKey(before)} moved ${Math.round(moved)} m`);
        if (truth1.along - truth0.along > (35 / 3.6) * ((t1 - t0) / 1000) + 1e-6) tooFast.push(`${busKey(before)}`);
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

    it('stamps the last report that reached the feed, in -03 local time, 1–15 s old but for dropouts', () => {
      const ages = all.map((v) => AT - parseStmTimestamp(v.timestamp));
      expect(all.filter((v) => !STM_TIMESTAMP.test(v.timestamp))).toEqual([]);
      expect(ages.filter((age) => !(age >= 1_000 && age <= 170_000))).toEqual([]);
      expect(ages.filter((age) => age > 15_000).length).toBeLessThan(all.length * 0.03);
      // Buses report out of step with each other, on whole seconds.
      const phases = new Set(all.map((v) => parseStmTimestamp(v.timestamp) % 10_000));
      expect([...phases].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((s) => s * 1000));
    });

    it('repeats a report until the next one arrives, 1–5 s after it was taken', () => {
      for (const variantId of [69, 8389, 74]) {
        const [first] = simulator.vehicles({ variantIds: [variantId], at: AT });
        let shown = first;
        let changes = 0;
        for (let at = AT + 100; at <= AT + 40_000; at += 100) {
          const now = simulator.vehicles({ variantIds: [variantId], at }).find((v) => busKey(v) === busKey(first));
          expect(now).toBeDefined();
          if (now!.timestamp === shown.timestamp) {
            expect(now).toEqual(shown);
            continue;
          }
          const [previous, next] = [parseStmTimestamp(shown.timestamp), parseStmTimestamp(now!.timestamp)];
          expect(next - previous).toBe(10_000);
          expect(at - next).toBeGreaterThanOrEqual(1_000);
          expect(at - next).toBeLessThanOrEqual(5_100);
          shown = now!;
          changes++;
        }
        expect(changes).toBeGreaterThanOrEqual(3);
      }
    });

    it('shows fixes 1–15 s old nearly always, and over 90 s old now and then, over a long sample', () => {
      const ages: number[] = [];
      for (let i = 0; i < 60; i++) {
        const at = AT + i * 431_000;
        for (const v of simulator.vehicles({ at })) ages.push((at - parseStmTimestamp(v.timestamp)) / 1000);
      }
      expect(Math.min(...ages)).toBeGreaterThanOrEqual(1);
      expect(Math.max(...ages)).toBeLessThanOrEqual(170);
      const fresh = ages.filter((age) => age <= 15).length / ages.length;
      expect(fresh).toBeGreaterThan(0.97);
      expect(fresh).toBeLessThan(0.999);
      expect(ages.filter((age) => age > 90).length).toBeGreaterThan(20);
    });

    it('keeps showing the last report through a dropout, poll after poll', () => {
      let checked = 0;
      for (let i = 0; i < 40 && checked < 5; i++) {
        const at = AT + i * 613_000;
        for (const v of simulator.vehicles({ at })) {
          if (at - parseStmTimestamp(v.timestamp) <= 60_000) continue;
          // Every report after the one shown was lost, so polls earlier in the dropout show it too.
          for (const earlier of [at - 20_000, at - 10_000, at - 1]) {
            const polled = simulator.vehicles({ variantIds: [v.lineVariantId], at: earlier });
            expect(polled.find((p) => busKey(p) === busKey(v))).toEqual(v);
          }
          checked++;
        }
      }
      expect(checked).toBeGreaterThanOrEqual(5);
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

    it("gives as eta the bus's true next arrival at the stop, and only for buses the feed shows", () => {
      const shown = new Set(simulator.vehicles({ at: AT }).map(busKey));
      for (const at of [AT, AT + 5 * HOUR + 17_000]) {
        const upcoming = simulator.upcoming(STOP, [], 100, at);
        const arrivals = simulator.arrivals({ stopId: STOP, from: at + 1, to: at + 3 * HOUR });
        expect(upcoming.length).toBeGreaterThan(3);
        for (const u of upcoming) {
          const next = arrivals.find((a) => busKey(a) === busKey(u));
          expect(next).toBeDefined();
          expect(Math.abs(next!.arrivedAt - at - u.eta * 1000)).toBeLessThanOrEqual(500);
          if (at === AT) expect(shown.has(busKey(u))).toBe(true);
        }
      }
    });
  });

  describe('arrivals', () => {
    const STOP = 3102;
    const atStop = simulator.arrivals({ stopId: STOP, from: AT - 2 * HOUR, to: AT });
    // Every visit anywhere in ten minutes, thinned to a few hundred.
    const anywhere = simulator.arrivals({ from: AT - 600_000, to: AT }).filter((_, i) => i % 29 === 0);

    it('lists the visits to a stop in the window, by arrivedAt then busId, in the documented shape', () => {
      expect(atStop.length).toBeGreaterThan(10);
      for (const a of atStop) {
        expect(Object.keys(a)).toEqual([
          'busId',
          'company',
          'line',
          'lineVariantId',
          'stopId',
          'stopIndex',
          'arrivedAt',
          'departedAt',
        ]);
        expect(a.stopId).toBe(STOP);
        expect(stopsOf(a.lineVariantId)[a.stopIndex]).toBe(STOP);
        expect(Number.isInteger(a.arrivedAt) && a.arrivedAt >= AT - 2 * HOUR && a.arrivedAt <= AT).toBe(true);
      }
      const order = (a: SimArrival, b: SimArrival): number => a.arrivedAt - b.arrivedAt || a.busId - b.busId;
      expect([...atStop].sort(order)).toEqual(atStop);
      expect(new Set(atStop.map((a) => a.line))).toEqual(new Set(['2', '144', '145']));
      expect(anywhere.length).toBeGreaterThan(200);
    });

    it('keeps only the asked lines', () => {
      const line2 = simulator.arrivals({ stopId: STOP, lines: [' 2'], from: AT - 2 * HOUR, to: AT });
      expect(line2.length).toBeGreaterThan(0);
      expect(line2).toEqual(atStop.filter((a) => a.line === '2'));
    });

    it('puts the bus at the stop at arrivedAt, short of it a second before, and there until departedAt', () => {
      let dwells = 0;
      for (const a of [...atStop, ...anywhere]) {
        const there = simulator.trueState(a, a.arrivedAt)!;
        expect(there.lineVariantId).toBe(a.lineVariantId);
        expect(there.stopIndex).toBe(a.stopIndex);
        expect(there.along).toBe(routeOf(a.lineVariantId).cumulative[a.stopIndex]);
        expect(haversineMeters(there.location.coordinates, stopCoordinates.get(a.stopId)!)).toBeLessThan(0.5);
        if (a.stopIndex > 0) {
          // Stop 0 is where it waited for the trip; any other stop it is still driving towards.
          const before = simulator.trueState(a, a.arrivedAt - 1000)!;
          expect(before.tripStart).toBe(there.tripStart);
          expect(before.along).toBeLessThan(there.along);
        }
        if (a.stopIndex === there.lastStop) {
          expect(a.departedAt).toBe(a.arrivedAt);
          continue;
        }
        expect(there.inService).toBe(true);
        expect(a.departedAt).toBeGreaterThan(a.arrivedAt);
        expect(simulator.trueState(a, a.departedAt - 1)!.along).toBe(there.along);
        expect(simulator.trueState(a, a.departedAt + 2000)!.along).toBeGreaterThan(there.along);
        dwells++;
      }
      expect(dwells).toBeGreaterThan(100);
    });

    it('yields both visits to a stop that a variant passes twice', () => {
      const loop = stopsOf(69);
      const looped: MontevideoData = { ...oneVariant, variantStops: { '69': [...loop, loop[0]] } };
      const sim = new BusSimulator(looped, { seed: 1, timeScale: 1 });
      const visits = sim.arrivals({ stopId: loop[0], from: AT - 12 * HOUR, to: AT + 12 * HOUR });
      expect(new Set(visits.map((a) => a.stopIndex))).toEqual(new Set([0, loop.length]));
      const both = byTrip(sim, visits).filter((trip) => trip.visits.length === 2);
      expect(both.length).toBeGreaterThan(5);
      for (const {
        visits: [first, second],
      } of both) {
        expect([first.stopIndex, second.stopIndex]).toEqual([0, loop.length]);
        expect(second.arrivedAt).toBeGreaterThan(first.departedAt);
      }
      // The city's estimate names each bus once: its next visit.
      const upcoming = sim.upcoming(loop[0], [], 100, AT);
      expect(new Set(upcoming.map(busKey)).size).toBe(upcoming.length);
    });

    it('rejects a window that is inverted, over 24 h or not a number', () => {
      const small = new BusSimulator(oneVariant, { seed: 1, timeScale: 1 });
      expect(() => small.arrivals({ from: AT, to: AT - 1 })).toThrow(ArrivalQueryError);
      expect(() => small.arrivals({ from: AT, to: AT - 1 })).toThrow(/must not be after/);
      expect(() => small.arrivals({ from: AT - 24 * HOUR - 1, to: AT })).toThrow(/longer than 24 h/);
      expect(() => small.arrivals({ from: Number.NaN, to: AT })).toThrow(/epoch milliseconds/);
      expect(small.arrivals({ from: AT - 24 * HOUR, to: AT }).length).toBeGreaterThan(100);
      expect(small.arrivals({ stopId: 999_999, from: AT - HOUR, to: AT })).toEqual([]);
    });

    it('is a pure function of the seed whatever was asked before; another seed differs', () => {
      const twin = new BusSimulator(data, { seed: 1, timeScale: 5, startedAt: 0 });
      // Fill the twin's trip caches in another order first.
      twin.arrivals({ from: AT + 30 * HOUR, to: AT + 40 * HOUR, lines: ['2', '144'] });
      twin.vehicles({ at: AT - 50 * HOUR });
      expect(twin.arrivals({ stopId: STOP, from: AT - 2 * HOUR, to: AT })).toEqual(atStop);
      expect(twin.vehicles({ at: AT + 123_456 })).toEqual(simulator.vehicles({ at: AT + 123_456 }));
      const other = new BusSimulator(data, { seed: 2, timeScale: 1 });
      expect(other.arrivals({ stopId: STOP, from: AT - 2 * HOUR, to: AT })).not.toEqual(atStop);
    });
  });

  describe('short runs', () => {
    const LINES = ['G', '2', '183', '103', '144'];
    const FROM = AT - 4 * HOUR;
    const TO = AT + 4 * HOUR;
    const trips = byTrip(simulator, simulator.arrivals({ lines: LINES, from: FROM, to: TO }));
    const lastIndex = lastIndexOf;
    // Trips wholly inside the window: every visit of theirs is in it.
    const whole = trips.filter((t) => t.tripStart > FROM && t.visits.at(-1)!.arrivedAt < TO - HOUR);

    it('starts about 8% of trips mid-route and ends about 8% early, each serving a contiguous range', () => {
      expect(whole.length).toBeGreaterThan(150);
      for (const trip of whole) {
        const { firstStop, lastStop, visits } = trip;
        const variant = visits[0].lineVariantId;
        const served = visits.map((a) => a.stopIndex);
        expect(served).toEqual(Array.from({ length: lastStop - firstStop + 1 }, (_, i) => firstStop + i));
        expect(firstStop === 0 || (firstStop < stopsOf(variant).length / 2 && firstStop > 0)).toBe(true);
        expect(lastStop === lastIndex(variant) || lastStop >= stopsOf(variant).length / 2).toBe(true);
      }
      const lateStarts = whole.filter((t) => t.firstStop > 0).length / whole.length;
      const earlyEnds = whole.filter((t) => t.lastStop < lastIndex(t.visits[0].lineVariantId)).length / whole.length;
      expect(lateStarts).toBeGreaterThan(0.03);
      expect(lateStarts).toBeLessThan(0.15);
      expect(earlyEnds).toBeGreaterThan(0.03);
      expect(earlyEnds).toBeLessThan(0.15);
    });

    it('keeps a bus out of the feed and of upcoming outside its served range', () => {
      let shortSeen = 0;
      const outside: string[] = [];
      for (let at = FROM; at < TO; at += 97_000) {
        for (const v of simulator.vehicles({ lines: LINES, at })) {
          // Where the bus was when it sent the report the feed shows.
          const truth = simulator.trueState(v, parseStmTimestamp(v.timestamp))!;
          const offsets = routeOf(v.lineVariantId).cumulative;
          const { along, firstStop, lastStop } = truth;
          if (!truth.inService || along < offsets[firstStop] || along > offsets[lastStop]) {
            outside.push(
              `${busKey(v)} at ${at}: ${truth.phase}, ${Math.round(along)} m, serving ${firstStop}–${lastStop}`,
            );
          }
          if (firstStop > 0 || lastStop < offsets.length - 1) shortSeen++;
        }
      }
      expect(outside).toEqual([]);
      expect(shortSeen).toBeGreaterThan(50);

      const short = whole.filter((t) => t.firstStop > 0 || t.lastStop < lastIndex(t.visits[0].lineVariantId));
      const feedAt = (bus: SimArrival, at: number) =>
        simulator.vehicles({ variantIds: [bus.lineVariantId], at }).find((v) => busKey(v) === busKey(bus));
      const listedAt = (bus: SimArrival, stopIndex: number, at: number): boolean =>
        simulator
          .upcoming(stopsOf(bus.lineVariantId)[stopIndex], [bus.line], 100, at)
          .some((u) => busKey(u) === busKey(bus));
      let absent = 0;
      let moments = 0;
      let listedBeforeEnd = 0;
      for (const { firstStop, lastStop, tripStart, visits } of short) {
        const [first, last] = [visits[0], visits.at(-1)!];
        if (firstStop > 0) {
          // Running empty to its first stop: absent, unless a dropout still shows a report of the trip before.
          const shown = feedAt(first, first.arrivedAt - 1);
          if (shown) expect(parseStmTimestamp(shown.timestamp)).toBeLessThan(tripStart);
          expect(listedAt(first, firstStop, first.arrivedAt - 1)).toBe(false);
          moments++;
          if (!shown) absent++;
        }
        if (lastStop < lastIndex(first.lineVariantId)) {
          // Never announced for the stops past its early end, even while it still runs towards them...
          const midway = Math.round((first.arrivedAt + last.arrivedAt) / 2);
          expect(listedAt(first, lastStop + 1, midway)).toBe(false);
          if (feedAt(first, midway) && listedAt(first, lastStop, midway)) listedBeforeEnd++;
          // ...and gone once there, unless a dropout still shows a report from before.
          const shown = feedAt(first, last.arrivedAt + 20_000);
          if (shown) expect(parseStmTimestamp(shown.timestamp)).toBeLessThan(last.arrivedAt);
          expect(listedAt(first, lastStop + 1, last.arrivedAt + 20_000)).toBe(false);
          moments++;
          if (!shown) absent++;
        }
      }
      expect(moments).toBeGreaterThan(20);
      expect(absent).toBeGreaterThan(moments * 0.8);
      // The early last stop itself is announced as usual.
      expect(listedBeforeEnd).toBeGreaterThan(5);
    });
  });

  describe('time of day', () => {
    it('takes longer in the peaks than at midday, and less at night, on the same variant', () => {
      const durations = new Map<string, number[]>();
      for (let day = 0; day < 3; day++) {
        const from = AT - (day + 1) * 24 * HOUR;
        for (const trip of byTrip(
          simulator,
          simulator.arrivals({ lines: ['G', '2', '183'], from, to: from + 24 * HOUR }),
        )) {
          const { visits } = trip;
          const variant = visits[0].lineVariantId;
          if (visits[0].stopIndex !== 0 || visits.at(-1)!.stopIndex !== lastIndexOf(variant)) continue;
          const hour = localHour(trip.tripStart);
          const period =
            (hour >= 7 && hour < 9.5) || (hour >= 17 && hour < 19.5)
              ? 'peak'
              : hour >= 10 && hour < 16
                ? 'midday'
                : hour >= 22 || hour < 6
                  ? 'night'
                  : 'other';
          const key = `${variant}/${period}`;
          durations.set(key, [...(durations.get(key) ?? []), visits.at(-1)!.arrivedAt - visits[0].arrivedAt]);
        }
      }
      const mean = (key: string): number => {
        const values = durations.get(key) ?? [];
        return values.reduce((a, b) => a + b, 0) / values.length;
      };
      const variants = [...new Set([...durations.keys()].map((k) => k.split('/')[0]))];
      const compared = variants.filter((v) =>
        ['peak', 'midday', 'night'].every((p) => (durations.get(`${v}/${p}`)?.length ?? 0) >= 3),
      );
      expect(compared.length).toBeGreaterThanOrEqual(4);
      for (const v of compared) {
        expect(mean(`${v}/peak`)).toBeGreaterThan(mean(`${v}/midday`) * 1.05);
        expect(mean(`${v}/night`)).toBeLessThan(mean(`${v}/midday`));
      }
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
