import { BusReport } from '../stm/stm.types';
import { applyReports, busKey, BusState, BusUpdate, MAX_MISSING_POLLS, MAX_POSITIONS, ROAD_FACTOR } from './bus-update';
import { haversineMeters, LatLon } from './geo';
import { buildVariantPath } from './along-route';

const METERS_PER_DEGREE_LAT = (6_371_000 * Math.PI) / 180; // ≈ 111,194.93
const STOP: LatLon = { latitude: -34.9, longitude: -56.16 };
const T0 = Date.parse('2025-11-15T16:00:00.000Z');
const at = (seconds: number): Date => new Date(T0 + seconds * 1000);

/**
 * A report of a bus `northMeters` north (negative: south) of the stop, with its API fix `fixSeconds`
 * after T0. Distances along the meridian are exact to well under a millimetre.
 */
function report(busId: number, fixSeconds: number, northMeters: number, extra: Partial<BusReport> = {}): BusReport {
  return {
    company: 'CUTCSA',
    busId,
    line: '21',
    variantId: 4426,
    origin: 'GÉANT',
    destination: 'PLAZA INDEPENDENCIA',
    latitude: STOP.latitude + northMeters / METERS_PER_DEGREE_LAT,
    longitude: STOP.longitude,
    fixAt: at(fixSeconds),
    reportedSpeedKmh: null,
    ...extra,
  };
}

/**
 * Plays the caller's part (SPEC §3.3): applies one poll, "stores" the new fixes by giving them row ids,
 * and hands the kept buses to the next poll. The removed ones are deleted, as the store does.
 */
class Tracker {
  state: BusState[] = [];
  nextFixId = 1;
  last!: BusUpdate;

  poll(reports: BusReport[], nowSeconds: number): BusUpdate {
    this.last = applyReports(this.state, reports, STOP, at(nowSeconds));
    for (const { fix } of this.last.newFixes) fix.id = this.nextFixId++;
    this.state = this.last.kept;
    return this.last;
  }

  bus(busId: number, company = 'CUTCSA'): BusState | undefined {
    return this.state.find((b) => b.busId === busId && b.company === company);
  }
}

describe('busKey', () => {
  it('identifies a bus by company and bus number', () => {
    expect(busKey({ company: 'CUTCSA', busId: 19 })).not.toBe(busKey({ company: 'COETC', busId: 19 }));
    expect(busKey({ company: 'CUTCSA', busId: 19 })).toBe(busKey({ company: 'CUTCSA', busId: 19 }));
    expect(busKey({ company: 'CUTCSA', busId: 19 })).not.toBe(busKey({ company: 'CUTCSA', busId: 190 }));
  });
});

describe('applyReports', () => {
  it('does nothing with no previous buses and an empty feed', () => {
    expect(applyReports([], [], STOP, at(0))).toEqual({ kept: [], removed: [], newFixes: [], droppedFixIds: [] });
  });

  it('gives a new bus fresh state and exactly one fix', () => {
    const r = report(19, 0, 500);
    const update = applyReports([], [r], STOP, at(3));
    expect(update.kept).toHaveLength(1);
    expect(update.removed).toEqual([]);
    expect(update.droppedFixIds).toStrictEqual([]);
    const bus = update.kept[0];
    expect(bus).toMatchObject({
      company: 'CUTCSA',
      busId: 19,
      line: '21',
      variantId: 4426,
      destination: 'PLAZA INDEPENDENCIA',
      latitude: r.latitude,
      longitude: r.longitude,
      speedKmh: null,
      etaSeconds: null,
      status: 'calculating',
      passed: false,
      missingCount: 0,
      firstSeenAt: at(3),
      lastSeenAt: at(3),
      lastFixAt: at(0),
    });
    expect(bus.distanceMeters).toBeCloseTo(500 * ROAD_FACTOR, 3);
    expect(bus.distanceMeters).toBe(haversineMeters(STOP, r) * ROAD_FACTOR);
    expect(bus.history).toHaveLength(1);
    expect(bus.history[0]).toMatchObject({ latitude: r.latitude, longitude: r.longitude, fixAt: at(0) });
    expect(update.newFixes).toHaveLength(1);
    expect(update.newFixes[0].bus).toBe(bus);
    expect(update.newFixes[0].fix).toBe(bus.history[0]);
  });

  it('labels a new bus 50 m away "arriving" even though it has no ETA yet', () => {
    const [bus] = applyReports([], [report(19, 0, 50)], STOP, at(0)).kept;
    expect(bus.etaSeconds).toBeNull();
    expect(bus.status).toBe('arriving');
  });

  it('adds no fix when the API timestamp repeats, but still counts the bus as seen', () => {
    const t = new Tracker();
    t.poll([report(19, 0, 800)], 1);
    const update = t.poll([report(19, 0, 700)], 16);
    expect(update.newFixes).toEqual([]);
    const bus = t.bus(19)!;
    expect(bus.history).toHaveLength(1);
    expect(bus.history[0].distanceMeters).toBeCloseTo(800, 3);
    expect(bus.lastFixAt).toEqual(at(0));
    expect(bus.lastSeenAt).toEqual(at(16));
    expect(bus.firstSeenAt).toEqual(at(1));
    expect(bus.missingCount).toBe(0);
  });

  it('adds no fix when the API sends an older timestamp than the newest stored', () => {
    const t = new Tracker();
    t.poll([report(19, 30, 800)], 31);
    const update = t.poll([report(19, 15, 900)], 46);
    expect(update.newFixes).toEqual([]);
    expect(t.bus(19)!.history.map((f) => f.fixAt)).toEqual([at(30)]);
  });

  it('adds exactly one fix for a newer timestamp and moves the bus there', () => {
    const t = new Tracker();
    t.poll([report(19, 0, 800)], 1);
    const r = report(19, 15, 650);
    const update = t.poll([r], 16);
    expect(update.newFixes).toHaveLength(1);
    expect(update.newFixes[0].fix.fixAt).toEqual(at(15));
    const bus = t.bus(19)!;
    expect(bus.history.map((f) => f.fixAt)).toEqual([at(0), at(15)]);
    expect(bus.history[1].distanceMeters).toBeCloseTo(650, 3);
    expect(bus.distanceMeters).toBeCloseTo(650 * ROAD_FACTOR, 3);
    expect(bus.latitude).toBe(r.latitude);
    expect(bus.lastFixAt).toEqual(at(15));
    // 150 m in 15 s: 36 km/h from the history.
    expect(bus.speedKmh).toBeCloseTo(36, 3);
  });

  it(`keeps at most ${MAX_POSITIONS} fixes and lists the ids of stored fixes that fell out`, () => {
    expect(MAX_POSITIONS).toBe(30);
    const t = new Tracker();
    const dropped: number[] = [];
    for (let i = 0; i < 40; i++) {
      const update = t.poll([report(19, i * 15, 20_000 - i * 10)], i * 15 + 1);
      dropped.push(...update.droppedFixIds);
      expect(t.bus(19)!.history.length).toBe(Math.min(i + 1, 30));
      expect(update.droppedFixIds).toStrictEqual(i < 30 ? [] : [i - 29]);
    }
    expect(dropped).toStrictEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const history = t.bus(19)!.history;
    expect(history.map((f) => f.id)).toEqual(Array.from({ length: 30 }, (_, k) => k + 11));
    expect(history[0].fixAt).toEqual(at(10 * 15));
    expect(history[29].fixAt).toEqual(at(39 * 15));
  });

  it('does not list fixes that fell out before they were ever stored (no id)', () => {
    const t = new Tracker();
    for (let i = 0; i < 30; i++) t.poll([report(19, i * 15, 20_000 - i * 10)], i * 15 + 1);
    for (const f of t.state[0].history) delete f.id;
    const update = t.poll([report(19, 30 * 15, 19_000)], 30 * 15 + 1);
    expect(update.droppedFixIds).toStrictEqual([]);
    expect(t.bus(19)!.history).toHaveLength(30);
    expect(t.bus(19)!.history[0].fixAt).toEqual(at(15));
  });

  it.each([
    ['older first', [report(19, 0, 900), report(19, 15, 800)]],
    ['newer first', [report(19, 15, 800), report(19, 0, 900)]],
  ])('counts a bus listed twice in one feed once, keeping the latest fix (%s)', (_order, reports) => {
    const update = applyReports([], reports, STOP, at(20));
    expect(update.kept).toHaveLength(1);
    expect(update.newFixes).toHaveLength(1);
    expect(update.newFixes[0].fix.fixAt).toEqual(at(15));
    expect(update.kept[0].history.map((f) => f.fixAt)).toEqual([at(15)]);
    expect(update.kept[0].distanceMeters).toBeCloseTo(800 * ROAD_FACTOR, 3);
  });

  it('treats the same bus number of two companies as two buses', () => {
    const t = new Tracker();
    const update = t.poll([report(19, 0, 900), report(19, 0, 400, { company: 'COETC' })], 1);
    expect(update.kept).toHaveLength(2);
    expect(update.newFixes).toHaveLength(2);
    expect(t.bus(19, 'CUTCSA')!.distanceMeters).toBeCloseTo(900 * ROAD_FACTOR, 3);
    expect(t.bus(19, 'COETC')!.distanceMeters).toBeCloseTo(400 * ROAD_FACTOR, 3);

    // Only the COETC bus reports again: the CUTCSA one is the one missing.
    t.poll([report(19, 15, 300, { company: 'COETC' })], 16);
    expect(t.bus(19, 'CUTCSA')!.missingCount).toBe(1);
    expect(t.bus(19, 'CUTCSA')!.history).toHaveLength(1);
    expect(t.bus(19, 'COETC')!.missingCount).toBe(0);
    expect(t.bus(19, 'COETC')!.history).toHaveLength(2);
  });

  it(`counts misses and removes a bus at the ${MAX_MISSING_POLLS}rd consecutive one`, () => {
    expect(MAX_MISSING_POLLS).toBe(3);
    const t = new Tracker();
    t.poll([report(19, 0, 900), report(20, 0, 1500)], 1);
    const seen = t.bus(19)!;

    for (const miss of [1, 2]) {
      const update = t.poll([report(20, miss * 15, 1500 - miss * 100)], miss * 15 + 1);
      expect(update.removed).toEqual([]);
      const bus = t.bus(19)!;
      expect(bus.missingCount).toBe(miss);
      expect(bus.history).toEqual(seen.history);
      expect(bus.lastSeenAt).toEqual(at(1));
      expect(update.newFixes.map((n) => n.bus.busId)).toEqual([20]);
    }

    const update = t.poll([report(20, 45, 1200)], 46);
    expect(update.removed).toHaveLength(1);
    expect(update.removed[0]).toMatchObject({ company: 'CUTCSA', busId: 19, missingCount: 3 });
    expect(update.kept.map((b) => b.busId)).toEqual([20]);
  });

  it('resets the miss count of a bus that comes back before its 3rd miss, keeping its history', () => {
    const t = new Tracker();
    t.poll([report(19, 0, 900)], 1);
    t.poll([], 16);
    t.poll([], 31);
    expect(t.bus(19)!.missingCount).toBe(2);
    const update = t.poll([report(19, 45, 600)], 46);
    expect(update.removed).toEqual([]);
    expect(t.bus(19)!.missingCount).toBe(0);
    expect(t.bus(19)!.history).toHaveLength(2);
    // Needs three fresh consecutive misses to leave again.
    t.poll([], 61);
    t.poll([], 76);
    expect(t.last.removed).toEqual([]);
    t.poll([], 91);
    expect(t.last.removed.map((b) => b.busId)).toEqual([19]);
  });

  it('tracks a bus that comes back after removal with fresh state', () => {
    const t = new Tracker();
    // Approach for long enough to have an ETA.
    for (let i = 0; i < 4; i++) t.poll([report(19, i * 15, 2000 - i * 150)], i * 15 + 1);
    expect(t.bus(19)!.etaSeconds).not.toBeNull();
    for (let i = 4; i < 7; i++) t.poll([], i * 15 + 1);
    expect(t.last.removed.map((b) => b.busId)).toEqual([19]);
    expect(t.bus(19)).toBeUndefined();

    const update = t.poll([report(19, 300, 3000)], 301);
    const bus = t.bus(19)!;
    expect(update.newFixes).toHaveLength(1);
    expect(bus.history).toHaveLength(1);
    expect(bus.history[0].fixAt).toEqual(at(300));
    expect(bus).toMatchObject({
      firstSeenAt: at(301),
      missingCount: 0,
      etaSeconds: null,
      speedKmh: null,
      passed: false,
      status: 'calculating',
    });
    expect(bus.distanceMeters).toBeCloseTo(3000 * ROAD_FACTOR, 3);
  });

  it('gives an ETA from the 3rd approaching fix on, and the status follows the distance', () => {
    const t = new Tracker();
    // 150 m closer every 15 s: 10 m/s.
    const expected: [number, 'calculating' | 'on_the_way' | 'approaching' | 'very_close' | 'arriving'][] = [
      [2000, 'calculating'],
      [1850, 'calculating'],
      [1700, 'on_the_way'],
      [1550, 'on_the_way'],
      [1400, 'on_the_way'],
      [1250, 'on_the_way'],
      [1100, 'on_the_way'],
      // The label goes by the road distance: the straight line times ROAD_FACTOR where no route is known.
      [950, 'on_the_way'],
      [800, 'on_the_way'],
      [650, 'approaching'],
      [500, 'approaching'],
      [350, 'approaching'],
      [200, 'very_close'],
      [50, 'arriving'],
    ];
    expected.forEach(([distance, status], i) => {
      t.poll([report(19, i * 15, distance)], i * 15 + 2);
      const bus = t.bus(19)!;
      expect(bus.distanceMeters).toBeCloseTo(distance * ROAD_FACTOR, 3);
      expect(bus.status).toBe(status);
      if (i < 2) {
        expect(bus.etaSeconds).toBeNull();
      } else {
        expect(bus.etaSeconds).toBeCloseTo(distance / 10, 3);
        expect(bus.speedKmh).toBeCloseTo(36, 3);
      }
      expect(bus.passed).toBe(false);
    });
  });

  it('marks a bus passed after five fixes moving away, with no ETA', () => {
    const t = new Tracker();
    // Approaches, crosses the stop, then drives away southwards.
    const norths = [300, 200, 100, 0, -100, -200, -300, -400];
    norths.forEach((north, i) => {
      t.poll([report(19, i * 15, north)], i * 15 + 1);
      const bus = t.bus(19)!;
      // The last five fixes are 0, 100, 200, 300, 400 m away only at the 8th poll.
      expect(bus.passed).toBe(i === 7);
    });
    const bus = t.bus(19)!;
    expect(bus.status).toBe('passed');
    expect(bus.etaSeconds).toBeNull();
    expect(bus.distanceMeters).toBeCloseTo(400 * ROAD_FACTOR, 3);
  });

  it('does not call a bus passed after only four fixes moving away', () => {
    const t = new Tracker();
    [100, 200, 300, 400].forEach((north, i) => t.poll([report(19, i * 15, -north)], i * 15 + 1));
    expect(t.bus(19)!.passed).toBe(false);
    expect(t.bus(19)!.status).toBe('calculating');
    t.poll([report(19, 60, -500)], 61);
    expect(t.bus(19)!.passed).toBe(true);
    expect(t.bus(19)!.status).toBe('passed');
  });

  it('takes line, variant and destination from the latest report', () => {
    const t = new Tracker();
    t.poll([report(19, 0, 900)], 1);
    t.poll([report(19, 15, 800, { variantId: 4427, destination: 'GÉANT', line: '21' })], 16);
    expect(t.bus(19)).toMatchObject({ variantId: 4427, destination: 'GÉANT' });
  });

  it('does not mutate the previous state it is given', () => {
    const t = new Tracker();
    t.poll([report(19, 0, 900), report(20, 0, 500)], 1);
    const before = t.state;
    const snapshot = JSON.stringify(before);
    applyReports(before, [report(19, 15, 700)], STOP, at(16));
    expect(JSON.stringify(before)).toBe(snapshot);
  });
});

describe('applyReports with a known route', () => {
  // Variant 4426 runs due north through five stops 300 m apart; the tracked stop (id 3) is the middle one.
  // Reports give positions north of STOP, so a bus at -600 m is at the route's start.
  const stops = [1, 2, 3, 4, 5].map((id) => ({
    id,
    latitude: STOP.latitude + ((id - 3) * 300) / METERS_PER_DEGREE_LAT,
    longitude: STOP.longitude,
  }));
  const path = buildVariantPath(4426, stops)!;
  const routes = { stopId: 3, dwellSeconds: 20, pathOf: (v: number) => (v === 4426 ? path : undefined) };
  const poll = (state: BusState[], reports: BusReport[], nowSeconds: number) =>
    applyReports(state, reports, STOP, at(nowSeconds), routes).kept;

  it('measures distance along the route, gives an ETA from the 2nd fix, and marks passed on the first fix past', () => {
    let state = poll([], [report(19, 0, -500)], 2);
    expect(state[0].distanceMeters).toBeCloseTo(500, 0);
    expect(state[0].etaSeconds).toBeNull();
    state = poll(state, [report(19, 15, -400)], 17);
    expect(state[0].distanceMeters).toBeCloseTo(400, 0);
    expect(state[0].etaSeconds).toBeGreaterThan(0);
    expect(state[0].speedKmh).toBeCloseTo(24, 3);
    const first = state[0].etaSeconds!;
    state = poll(state, [report(19, 30, -250)], 32);
    expect(state[0].etaSeconds).toBeLessThan(first);
    state = poll(state, [report(19, 45, 40)], 47);
    expect(state[0]).toMatchObject({ passed: true, status: 'passed', etaSeconds: null });
    expect(state[0].distanceMeters).toBeCloseTo(40, 0); // past the stop
  });

  it('says a bus of a variant that does not serve the stop is not coming', () => {
    const other = { ...routes, pathOf: () => buildVariantPath(9, [stops[3], stops[4]])! };
    const state = applyReports([], [report(19, 0, -500)], STOP, at(2), other).kept;
    expect(state[0]).toMatchObject({ status: 'not_coming', etaSeconds: null, passed: false });
  });

  it('gives no ETA from a fix older than 90 s', () => {
    let state = poll([], [report(19, 0, -500)], 2);
    state = poll(state, [report(19, 15, -400)], 17);
    expect(state[0].etaSeconds).not.toBeNull();
    // The feed keeps sending the same fix: 91 s later it is stale.
    state = poll(state, [report(19, 15, -400)], 15 + 91);
    expect(state[0].etaSeconds).toBeNull();
  });
});
