import { loadMontevideoData } from '../shared/montevideo-data';
import { buildRoute, haversineMeters, projectOntoRoute, type Route } from '../shared/route';
import { ArrivalQueryError, BusSimulator } from './bus-simulator';
import type { SimVehicle } from './sim-types';
import { parseStmTimestamp } from './stm-time';

const data = loadMontevideoData();
/** Wednesday 2026-06-10, 08:00 in Montevideo: the morning rush of a weekday. */
const AT = Date.parse('2026-06-10T08:00:00-03:00');
const SUNDAY = Date.parse('2026-06-14T08:00:00-03:00');
const MIN = 60_000;
const HOUR = 60 * MIN;
const simulator = new BusSimulator(data, { seed: 1, timeScale: 1, startedAt: AT });
const STM_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000-03$/;
const key = (v: { company?: string; companyName?: string; busId: number }): string =>
  `${v.company ?? v.companyName}/${v.busId}`;

/** The city's road geometry of a variant, whole. */
const shapes = new Map<number, Route>();
const shapeOf = (variantId: number): Route => {
  let route = shapes.get(variantId);
  if (!route) shapes.set(variantId, (route = buildRoute(data.shapes[String(variantId)])));
  return route;
};
const stopAt = new Map(data.stops.map((s) => [s.busstopId, s.location.coordinates]));
const localMinute = (epochMs: number, midnight: number): number => (epochMs - midnight) / MIN;

/** Every fix the feed shows for the lines over a span, second by second: bus → report times. */
function reportsOver(sim: BusSimulator, lines: string[], from: number, seconds: number): Map<string, SimVehicle[]> {
  const seen = new Map<string, SimVehicle[]>();
  for (let s = 0; s < seconds; s++) {
    for (const v of sim.vehicles({ lines, at: from + s * 1000 })) {
      const list = seen.get(key(v)) ?? [];
      if (list[list.length - 1]?.timestamp !== v.timestamp) list.push(v);
      seen.set(key(v), list);
    }
  }
  return seen;
}

describe('BusSimulator', () => {
  describe('simulatedLines', () => {
    it('drives every line of the city: each has a variant with its own road geometry', () => {
      expect(simulator.simulatedLines()).toHaveLength(146);
      expect(simulator.simulatedVariantIds()).toHaveLength(706);
    });
  });

  describe('departures', () => {
    // Line 103, variant 343 (its main run), in the city's timetable.
    const weekday = data.schedules['343'].weekday;
    const midnight = Date.parse('2026-06-10T00:00:00-03:00');

    it("leaves its first stop at the timetable's minutes (each bus up to a minute late), and at no other", () => {
      const firstStop = simulator
        .arrivals({ lines: ['103'], from: midnight, to: midnight + 24 * HOUR - 1 })
        .filter((a) => a.lineVariantId === 343 && a.stopIndex === 0);
      const minutes = firstStop.map((a) => localMinute(a.arrivedAt, midnight));
      expect(minutes.map(Math.floor)).toEqual(weekday);
      for (const [i, m] of minutes.entries()) expect(m - weekday[i]).toBeLessThanOrEqual(1);
    });

    it("runs the Sunday timetable on a Sunday, and nothing from the weekday's", () => {
      const sunday = Date.parse('2026-06-14T00:00:00-03:00');
      const starts = simulator
        .arrivals({ lines: ['103'], from: sunday, to: sunday + 24 * HOUR - 1 })
        .filter((a) => a.lineVariantId === 343 && a.stopIndex === 0)
        .map((a) => Math.floor(localMinute(a.arrivedAt, sunday)));
      expect(starts).toEqual(data.schedules['343'].sunday);
    });

    it('runs a variant the timetable lacks at a plausible headway, with no buses in the small hours', () => {
      // Line G's variant 69 has a shape but no timetable.
      expect(data.schedules['69']).toBeUndefined();
      const starts = simulator
        .arrivals({ lines: ['G'], from: midnight, to: midnight + 24 * HOUR - 1 })
        .filter((a) => a.lineVariantId === 69 && a.stopIndex === 0)
        .map((a) => localMinute(a.arrivedAt, midnight));
      expect(starts.length).toBeGreaterThan(15);
      expect(Math.min(...starts)).toBeGreaterThanOrEqual(5.5 * 60);
      expect(Math.max(...starts)).toBeLessThan(23.5 * 60 + 1);
      expect(simulator.vehicles({ lines: ['G'], at: midnight + 3.5 * HOUR })).toEqual([]);
    });
  });

  describe('vehicles', () => {
    it('shows the buses of the asked lines in the API shape, at their report time in -03 local time', () => {
      const items = simulator.vehicles({ lines: [' 103', 'g'], at: AT });
      expect(items.length).toBeGreaterThan(10);
      expect(new Set(items.map((i) => i.line))).toEqual(new Set(['103', 'G']));
      expect(new Set(items.map(key)).size).toBe(items.length);
      for (const item of items) {
        expect(item.timestamp).toMatch(STM_TIMESTAMP);
        const age = AT - parseStmTimestamp(item.timestamp);
        expect(age).toBeGreaterThanOrEqual(1000);
        expect(age).toBeLessThanOrEqual(25_000 + 40 * 20_000); // one report period and lag, or a dropout
      }
      expect(simulator.vehicles({ lines: ['ZZ9'], at: AT })).toEqual([]);
    });

    it('gives each bus a report period of its own, 10 to 20 s, not one per poll', () => {
      const periods = [...reportsOver(simulator, ['103', '109'], AT, 600).values()].flatMap((fixes) => {
        const times = fixes.map((f) => parseStmTimestamp(f.timestamp));
        const gaps = times.slice(1).map((t, i) => (t - times[i]) / 1000);
        // A dropout skips whole periods; the shortest gap is the period.
        return gaps.length >= 5 ? [Math.min(...gaps)] : [];
      });
      expect(periods.length).toBeGreaterThan(20);
      for (const p of periods) {
        expect(p).toBeGreaterThanOrEqual(10);
        expect(p).toBeLessThanOrEqual(20);
      }
      expect(new Set(periods).size).toBeGreaterThanOrEqual(5);
    });

    it('drives the road: every fix lies on its variant’s geometry, but for GPS scatter and detours', () => {
      const items = simulator.vehicles({ lines: ['103', '109', '110', '21', '121'], at: AT });
      const off = items.map((i) => projectOntoRoute(shapeOf(i.lineVariantId), i.location.coordinates).distanceToRoute);
      const near = off.filter((d) => d <= 15).length;
      expect(near / off.length).toBeGreaterThan(0.9);
      expect(off.filter((d) => d > 70 && d < 100).length).toBeLessThanOrEqual(2);
    });

    it('is the same for the same seed, and another for another seed', () => {
      const again = new BusSimulator(data, { seed: 1, timeScale: 1, startedAt: AT });
      expect(again.vehicles({ lines: ['21'], at: AT + 5000 })).toEqual(
        simulator.vehicles({ lines: ['21'], at: AT + 5000 }),
      );
      const other = new BusSimulator(data, { seed: 2, timeScale: 1, startedAt: AT });
      expect(other.vehicles({ lines: ['21'], at: AT + 5000 })).not.toEqual(
        simulator.vehicles({ lines: ['21'], at: AT + 5000 }),
      );
    });
  });

  describe('a bus’s day', () => {
    it('changes variant at its terminus: the bus that came in takes a trip of the way back', () => {
      const midnight = Date.parse('2026-06-10T00:00:00-03:00');
      const arrivals = simulator.arrivals({ lines: ['103'], from: midnight + 6 * HOUR, to: midnight + 12 * HOUR });
      const variantsByBus = new Map<string, Set<number>>();
      for (const a of arrivals)
        variantsByBus.set(key(a), (variantsByBus.get(key(a)) ?? new Set()).add(a.lineVariantId));
      const changing = [...variantsByBus.values()].filter((variants) => variants.size >= 2);
      expect(changing.length).toBeGreaterThan(3);
    });

    it('waits at its terminus, then shows as the next variant at its first stop before it leaves', () => {
      const bus = simulator.vehicles({ lines: ['103'], at: AT })[0];
      const phases = new Map<string, Set<number>>();
      for (let t = AT; t < AT + 4 * HOUR; t += 30_000) {
        const truth = simulator.trueState(bus, t)!;
        phases.set(truth.phase, (phases.get(truth.phase) ?? new Set()).add(truth.lineVariantId));
      }
      expect(phases.get('on-trip')!.size).toBeGreaterThanOrEqual(2);
      expect(phases.has('at-terminus') || phases.has('waiting-to-depart')).toBe(true);
    });

    it('now and then leaves its road for a stretch and comes back, serving none of the stops it bypasses', () => {
      const midnight = Date.parse('2026-06-10T00:00:00-03:00');
      const lines = ['21', '103', '109', '110', '121', '183', '2', '144', '145', '180'];
      const arrivals = simulator.arrivals({ lines, from: midnight, to: midnight + 24 * HOUR - 1 });
      // Find a bus on a detour: its true position, mid-detour, is well off its road.
      let checked = 0;
      const seen = new Set<string>();
      for (const a of arrivals) {
        if (a.stopIndex !== 0 || seen.has(`${key(a)}@${a.arrivedAt}`)) continue;
        seen.add(`${key(a)}@${a.arrivedAt}`);
        const truth = simulator.trueState(a, a.arrivedAt + 1000)!;
        if (!truth.detour) continue;
        const route = data.shapes[String(truth.lineVariantId)];
        expect(route).toBeDefined();
        const middle = (truth.detour.from + truth.detour.to) / 2;
        // When the bus is in the middle of its detour.
        let t = a.arrivedAt;
        let state = simulator.trueState(a, t)!;
        while (state.along < middle && state.phase === 'on-trip') state = simulator.trueState(a, (t += 5000))!;
        expect(
          projectOntoRoute(shapeOf(truth.lineVariantId), state.location.coordinates).distanceToRoute,
        ).toBeGreaterThan(100);
        // No stop in the bypassed stretch has a visit on that trip (the bus is never there at a visit).
        const nextTrip = arrivals.find((b) => key(b) === key(a) && b.stopIndex === 0 && b.arrivedAt > a.arrivedAt);
        const trip = arrivals.filter(
          (b) => key(b) === key(a) && b.arrivedAt >= a.arrivedAt && b.arrivedAt < (nextTrip?.arrivedAt ?? Infinity),
        );
        expect(trip.length).toBeGreaterThan(2);
        for (const visit of trip) {
          const along = simulator.trueState(visit, visit.arrivedAt)!.along;
          expect(along <= truth.detour.from || along >= truth.detour.to).toBe(true);
        }
        checked++;
        if (checked >= 3) break;
      }
      expect(checked).toBeGreaterThan(0);
    });
  });

  describe('arrivals', () => {
    it('puts the bus at the stop when it arrives, and short of it a few seconds before', () => {
      const visits = simulator.arrivals({ stopId: 3227, from: AT - 30 * MIN, to: AT + 30 * MIN });
      expect(visits.length).toBeGreaterThan(10);
      const stop = stopAt.get(3227)!;
      for (const visit of visits.slice(0, 15)) {
        const at = simulator.trueState(visit, visit.arrivedAt)!;
        expect(at.phase).toBe('on-trip');
        expect(haversineMeters(at.location.coordinates, stop)).toBeLessThan(80);
        const before = simulator.trueState(visit, visit.arrivedAt - 5000)!;
        expect(before.along).toBeLessThan(at.along);
        expect(visit.departedAt).toBeGreaterThanOrEqual(visit.arrivedAt);
      }
    });

    it('refuses a window it cannot answer', () => {
      expect(() => simulator.arrivals({ from: AT, to: AT - 1 })).toThrow(ArrivalQueryError);
      expect(() => simulator.arrivals({ from: AT, to: AT + 25 * HOUR })).toThrow(/24 h/);
      expect(() => simulator.arrivals({ from: NaN, to: AT })).toThrow(/epoch milliseconds/);
    });
  });

  describe('upcoming', () => {
    it('gives each bus coming to the stop with the time it will really get there', () => {
      const upcoming = simulator.upcoming(3227, ['103', '109'], 5, AT);
      expect(upcoming.length).toBeGreaterThan(2);
      const truth = simulator.arrivals({ stopId: 3227, lines: ['103', '109'], from: AT, to: AT + 2 * HOUR });
      for (const u of upcoming) {
        const visit = truth.find((a) => key(a) === key(u) && a.lineVariantId === u.lineVariantId);
        expect(visit).toBeDefined();
        expect(Math.abs(visit!.arrivedAt - (AT + u.eta * 1000))).toBeLessThanOrEqual(500);
      }
    });
  });

  describe('serviceAt', () => {
    it("shows another moment's service on its own clock: the same buses, timestamps moved", () => {
      const shifted = new BusSimulator(data, {
        seed: 1,
        timeScale: 1,
        startedAt: SUNDAY - 5 * HOUR,
        serviceAt: SUNDAY,
      });
      const there = shifted.vehicles({ lines: ['103'], at: SUNDAY - 5 * HOUR });
      const real = new BusSimulator(data, { seed: 1, timeScale: 1, startedAt: SUNDAY }).vehicles({
        lines: ['103'],
        at: SUNDAY,
      });
      expect(there.map(key)).toEqual(real.map(key));
      expect(there.map((v) => parseStmTimestamp(v.timestamp) + 5 * HOUR)).toEqual(
        real.map((v) => parseStmTimestamp(v.timestamp)),
      );
    });

    it('runs its clock timeScale times as fast as the wall clock', () => {
      const fast = new BusSimulator(data, { seed: 1, timeScale: 60, startedAt: Date.now() - 1000 });
      expect(fast.now() - (Date.now() - 1000)).toBeGreaterThanOrEqual(59_000);
    });
  });
});
