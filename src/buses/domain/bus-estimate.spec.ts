import { BusReport } from '../stm/stm.types';
import { advanceTracks, busKey, BusTrack, MAX_MISSING_POLLS, MAX_POSITIONS } from './bus-track';
import { BusEstimate, estimateBus, LineBus, lineBusOf, ROAD_FACTOR, RouteContext, withDistances } from './bus-estimate';
import { LatLon, metersBetween } from './geo';
import { buildVariantPath, DEFAULT_ALONG_ROUTE_SETTINGS } from './along-route';

const METERS_PER_DEGREE_LAT = (6_371_000 * Math.PI) / 180; // ≈ 111,194.93
const STOP: LatLon = { latitude: -34.9, longitude: -56.16 };
const T0 = Date.parse('2025-11-15T16:00:00.000Z');
const at = (seconds: number): Date => new Date(T0 + seconds * 1000);
/** A point `northMeters` north (negative: south) of STOP. */
const north = (northMeters: number): LatLon => ({
  latitude: STOP.latitude + northMeters / METERS_PER_DEGREE_LAT,
  longitude: STOP.longitude,
});

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
    ...north(northMeters),
    fixAt: at(fixSeconds),
    reportedSpeedKmh: null,
    ...extra,
  };
}

/** What the line publishes of a bus: its progress along its variant's route where `routes` knows the path. */
const published = (track: BusTrack, routes?: RouteContext): LineBus =>
  lineBusOf(track, routes?.pathOf(track.variantId), routes ?? DEFAULT_ALONG_ROUTE_SETTINGS);

/** Plays the line poller's part: applies each poll to the line's buses and keeps the result for the next. */
class Line {
  tracks: BusTrack[] = [];

  poll(reports: BusReport[], nowSeconds: number): BusTrack[] {
    this.tracks = advanceTracks(this.tracks, reports, at(nowSeconds));
    return this.tracks;
  }

  bus(busId: number, company = 'CUTCSA'): BusTrack | undefined {
    return this.tracks.find((b) => b.busId === busId && b.company === company);
  }

  /** What a tracking of STOP shows of the bus at `nowSeconds`. */
  view(busId: number, nowSeconds: number, routes?: RouteContext, company = 'CUTCSA'): BusEstimate {
    const track = this.bus(busId, company);
    if (!track) throw new Error(`bus ${company} ${busId} is not on the line`);
    return estimateBus(published(track, routes), STOP, at(nowSeconds), routes);
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !(value instanceof Date) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

describe('busKey', () => {
  it('identifies a bus by company and bus number', () => {
    expect(busKey({ company: 'CUTCSA', busId: 19 })).not.toBe(busKey({ company: 'COETC', busId: 19 }));
    expect(busKey({ company: 'CUTCSA', busId: 19 })).toBe(busKey({ company: 'CUTCSA', busId: 19 }));
    expect(busKey({ company: 'CUTCSA', busId: 19 })).not.toBe(busKey({ company: 'CUTCSA', busId: 190 }));
  });
});

describe('withDistances', () => {
  it("adds each position's straight-line distance to the stop, keeping the position", () => {
    const history = [
      { ...north(800), fixAt: at(0) },
      { ...north(-250), fixAt: at(15) },
    ];
    const fixes = withDistances(history, STOP);
    expect(fixes.map((f) => f.distanceMeters)).toEqual([expect.closeTo(800, 3), expect.closeTo(250, 3)]);
    expect(fixes[1]).toMatchObject(history[1]);
    expect(history[0]).not.toHaveProperty('distanceMeters');
  });
});

describe('advanceTracks', () => {
  it('does nothing with no previous buses and an empty feed', () => {
    expect(advanceTracks([], [], at(0))).toEqual([]);
  });

  it('gives a new bus exactly one fix, and the tracking sees it with fresh state', () => {
    const r = report(19, 0, 500);
    const tracks = advanceTracks([], [r], at(3));
    expect(tracks).toHaveLength(1);
    const [track] = tracks;
    expect(track).toStrictEqual({
      company: 'CUTCSA',
      busId: 19,
      line: '21',
      variantId: 4426,
      destination: 'PLAZA INDEPENDENCIA',
      latitude: r.latitude,
      longitude: r.longitude,
      lastFixAt: at(0),
      lastSeenAt: at(3),
      missingCount: 0,
      history: [{ latitude: r.latitude, longitude: r.longitude, fixAt: at(0) }],
    });

    const bus = estimateBus(published(track), STOP, at(3));
    expect(bus).toMatchObject({
      company: 'CUTCSA',
      busId: 19,
      latitude: r.latitude,
      longitude: r.longitude,
      speedKmh: null,
      etaSeconds: null,
      status: 'calculating',
      passed: false,
      missingCount: 0,
      positionsCount: 1,
      lastSeenAt: at(3),
      lastFixAt: at(0),
    });
    expect(bus).not.toHaveProperty('history');
    expect(bus.distanceMeters).toBeCloseTo(500 * ROAD_FACTOR, 3);
    expect(bus.distanceMeters).toBe(metersBetween(STOP, r) * ROAD_FACTOR);
  });

  it('adds no fix when the API timestamp repeats, but still counts the bus as seen', () => {
    const line = new Line();
    line.poll([report(19, 0, 800)], 1);
    const before = line.bus(19)!;
    line.poll([report(19, 0, 700)], 16);
    const bus = line.bus(19)!;
    expect(bus.history).toHaveLength(1);
    // The very same history: what is derived from it (the along-route series) is not computed again.
    expect(bus.history).toBe(before.history);
    expect(bus.latitude).toBe(north(800).latitude);
    expect(bus.lastFixAt).toEqual(at(0));
    expect(bus.lastSeenAt).toEqual(at(16));
    expect(bus.missingCount).toBe(0);
    expect(line.view(19, 16).distanceMeters).toBeCloseTo(800 * ROAD_FACTOR, 3);
  });

  it('adds no fix when the API sends an older timestamp than the newest kept', () => {
    const line = new Line();
    line.poll([report(19, 30, 800)], 31);
    line.poll([report(19, 15, 900)], 46);
    const bus = line.bus(19)!;
    expect(bus.history.map((f) => f.fixAt)).toEqual([at(30)]);
    expect(bus.latitude).toBe(north(800).latitude);
    expect(bus.lastFixAt).toEqual(at(30));
    expect(bus.lastSeenAt).toEqual(at(46));
  });

  it('adds exactly one fix for a newer timestamp and moves the bus there', () => {
    const line = new Line();
    line.poll([report(19, 0, 800)], 1);
    const before = line.bus(19)!;
    const r = report(19, 15, 650);
    line.poll([r], 16);
    const track = line.bus(19)!;
    expect(track.history).toStrictEqual([
      { ...north(800), fixAt: at(0) },
      { latitude: r.latitude, longitude: r.longitude, fixAt: at(15) },
    ]);
    expect(before.history).toHaveLength(1); // a new array, the previous one untouched
    expect(track.latitude).toBe(r.latitude);
    expect(track.longitude).toBe(r.longitude);
    expect(track.lastFixAt).toEqual(at(15));
    const bus = line.view(19, 16);
    expect(bus.distanceMeters).toBeCloseTo(650 * ROAD_FACTOR, 3);
    expect(bus.positionsCount).toBe(2);
    // 150 m in 15 s: 36 km/h from the history.
    expect(bus.speedKmh).toBeCloseTo(36, 3);
  });

  it(`keeps at most ${MAX_POSITIONS} fixes, dropping the oldest`, () => {
    expect(MAX_POSITIONS).toBe(30);
    const line = new Line();
    for (let i = 0; i < 40; i++) {
      line.poll([report(19, i * 15, 20_000 - i * 10)], i * 15 + 1);
      const history = line.bus(19)!.history;
      expect(history).toHaveLength(Math.min(i + 1, 30));
      expect(history[0].fixAt).toEqual(at(Math.max(0, i - 29) * 15));
      expect(history[history.length - 1].fixAt).toEqual(at(i * 15));
    }
    const history = line.bus(19)!.history;
    expect(history.map((f) => f.fixAt)).toEqual(Array.from({ length: 30 }, (_, k) => at((k + 10) * 15)));
    expect(line.view(19, 39 * 15 + 1).positionsCount).toBe(30);
  });

  it.each([
    ['older first', [report(19, 0, 900), report(19, 15, 800)]],
    ['newer first', [report(19, 15, 800), report(19, 0, 900)]],
  ])('counts a bus listed twice in one feed once, keeping the latest fix (%s)', (_order, reports) => {
    const tracks = advanceTracks([], reports, at(20));
    expect(tracks).toHaveLength(1);
    expect(tracks[0].history.map((f) => f.fixAt)).toEqual([at(15)]);
    expect(estimateBus(published(tracks[0]), STOP, at(20)).distanceMeters).toBeCloseTo(800 * ROAD_FACTOR, 3);
  });

  it('treats the same bus number of two companies as two buses', () => {
    const line = new Line();
    line.poll([report(19, 0, 900), report(19, 0, 400, { company: 'COETC' })], 1);
    expect(line.tracks).toHaveLength(2);
    expect(line.view(19, 1, undefined, 'CUTCSA').distanceMeters).toBeCloseTo(900 * ROAD_FACTOR, 3);
    expect(line.view(19, 1, undefined, 'COETC').distanceMeters).toBeCloseTo(400 * ROAD_FACTOR, 3);

    // Only the COETC bus reports again: the CUTCSA one is the one missing.
    line.poll([report(19, 15, 300, { company: 'COETC' })], 16);
    expect(line.bus(19, 'CUTCSA')!.missingCount).toBe(1);
    expect(line.bus(19, 'CUTCSA')!.history).toHaveLength(1);
    expect(line.bus(19, 'COETC')!.missingCount).toBe(0);
    expect(line.bus(19, 'COETC')!.history).toHaveLength(2);
  });

  it(`counts misses and removes a bus at the ${MAX_MISSING_POLLS}rd consecutive one`, () => {
    expect(MAX_MISSING_POLLS).toBe(3);
    const line = new Line();
    line.poll([report(19, 0, 900), report(20, 0, 1500)], 1);
    const seen = line.bus(19)!;

    for (const miss of [1, 2]) {
      line.poll([report(20, miss * 15, 1500 - miss * 100)], miss * 15 + 1);
      const bus = line.bus(19)!;
      expect(bus).toBeDefined();
      expect(bus.missingCount).toBe(miss);
      expect(bus.history).toBe(seen.history);
      expect(bus.lastSeenAt).toEqual(at(1));
      expect(bus.lastFixAt).toEqual(at(0));
      expect(line.bus(20)!.history).toHaveLength(miss + 1);
      // A tracking still shows it meanwhile, with its miss count.
      expect(line.view(19, miss * 15 + 1)).toMatchObject({ missingCount: miss, positionsCount: 1 });
    }

    line.poll([report(20, 45, 1200)], 46);
    expect(line.bus(19)).toBeUndefined();
    expect(line.tracks.map((b) => b.busId)).toEqual([20]);
  });

  it('resets the miss count of a bus that comes back before its 3rd miss, keeping its history', () => {
    const line = new Line();
    line.poll([report(19, 0, 900)], 1);
    line.poll([], 16);
    line.poll([], 31);
    expect(line.bus(19)!.missingCount).toBe(2);
    line.poll([report(19, 45, 600)], 46);
    expect(line.bus(19)!.missingCount).toBe(0);
    expect(line.bus(19)!.history.map((f) => f.fixAt)).toEqual([at(0), at(45)]);
    // Needs three fresh consecutive misses to leave again.
    line.poll([], 61);
    line.poll([], 76);
    expect(line.bus(19)!.missingCount).toBe(2);
    line.poll([], 91);
    expect(line.tracks).toEqual([]);
  });

  it('tracks a bus that comes back after removal with fresh state', () => {
    const line = new Line();
    // Approach for long enough to have an ETA.
    for (let i = 0; i < 4; i++) line.poll([report(19, i * 15, 2000 - i * 150)], i * 15 + 1);
    expect(line.view(19, 46).etaSeconds).not.toBeNull();
    for (let i = 4; i < 7; i++) line.poll([], i * 15 + 1);
    expect(line.bus(19)).toBeUndefined();

    line.poll([report(19, 300, 3000)], 301);
    const track = line.bus(19)!;
    expect(track.history.map((f) => f.fixAt)).toEqual([at(300)]);
    expect(track).toMatchObject({ missingCount: 0, lastSeenAt: at(301), lastFixAt: at(300) });
    const bus = line.view(19, 301);
    expect(bus).toMatchObject({
      missingCount: 0,
      positionsCount: 1,
      etaSeconds: null,
      speedKmh: null,
      passed: false,
      status: 'calculating',
    });
    expect(bus.distanceMeters).toBeCloseTo(3000 * ROAD_FACTOR, 3);
  });

  it('takes line, variant and destination from the latest report', () => {
    const line = new Line();
    line.poll([report(19, 0, 900)], 1);
    line.poll([report(19, 15, 800, { variantId: 4427, destination: 'GÉANT', line: '21A' })], 16);
    expect(line.bus(19)).toMatchObject({ line: '21A', variantId: 4427, destination: 'GÉANT' });
    expect(line.view(19, 16)).toMatchObject({ line: '21A', variantId: 4427, destination: 'GÉANT' });
    // Even from a report that brings no new fix.
    line.poll([report(19, 15, 800, { variantId: 4428, destination: 'CIUDAD VIEJA', line: '21' })], 31);
    expect(line.bus(19)).toMatchObject({ line: '21', variantId: 4428, destination: 'CIUDAD VIEJA' });
    expect(line.bus(19)!.history).toHaveLength(2);
  });

  it('does not mutate the previous buses or the reports it is given', () => {
    const line = new Line();
    line.poll([report(19, 0, 900), report(20, 0, 500), report(21, 0, 300)], 1);
    const before = deepFreeze(line.tracks);
    const snapshot = JSON.stringify(before);
    const reports = deepFreeze([report(19, 15, 700), report(20, 0, 500)]);
    const reportsSnapshot = JSON.stringify(reports);
    // Frozen: any write to them would throw in this strict-mode module.
    const after = advanceTracks(before, reports, at(16));
    expect(JSON.stringify(before)).toBe(snapshot);
    expect(JSON.stringify(reports)).toBe(reportsSnapshot);
    // The changed ones are new objects; the new fix went into a new array.
    const bus19 = after.find((b) => b.busId === 19)!;
    expect(bus19).not.toBe(before[0]);
    expect(bus19.history).toHaveLength(2);
    expect(before[0].history).toHaveLength(1);
    expect(after.find((b) => b.busId === 21)!.missingCount).toBe(1);
    expect(before[2].missingCount).toBe(0);
  });
});

describe('estimateBus by the seed rules (no route known)', () => {
  it('labels a new bus 50 m away "arriving" even though it has no ETA yet', () => {
    const [track] = advanceTracks([], [report(19, 0, 50)], at(0));
    const bus = estimateBus(published(track), STOP, at(0));
    expect(bus.etaSeconds).toBeNull();
    expect(bus.status).toBe('arriving');
  });

  it('gives an ETA from the 3rd approaching fix on, and the status follows the distance', () => {
    const line = new Line();
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
      line.poll([report(19, i * 15, distance)], i * 15 + 2);
      const bus = line.view(19, i * 15 + 2);
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
    const line = new Line();
    // Approaches, crosses the stop, then drives away southwards.
    const norths = [300, 200, 100, 0, -100, -200, -300, -400];
    norths.forEach((n, i) => {
      line.poll([report(19, i * 15, n)], i * 15 + 1);
      // The last five fixes are 0, 100, 200, 300, 400 m away only at the 8th poll.
      expect(line.view(19, i * 15 + 1).passed).toBe(i === 7);
    });
    const bus = line.view(19, 7 * 15 + 1);
    expect(bus.status).toBe('passed');
    expect(bus.etaSeconds).toBeNull();
    expect(bus.distanceMeters).toBeCloseTo(400 * ROAD_FACTOR, 3);
  });

  it('does not call a bus passed after only four fixes moving away', () => {
    const line = new Line();
    [100, 200, 300, 400].forEach((n, i) => line.poll([report(19, i * 15, -n)], i * 15 + 1));
    expect(line.view(19, 46).passed).toBe(false);
    expect(line.view(19, 46).status).toBe('calculating');
    line.poll([report(19, 60, -500)], 61);
    expect(line.view(19, 61).passed).toBe(true);
    expect(line.view(19, 61).status).toBe('passed');
  });

  it('gives no ETA from a fix older than 90 s', () => {
    const line = new Line();
    [2000, 1850, 1700].forEach((d, i) => line.poll([report(19, i * 15, d)], i * 15 + 1));
    expect(line.view(19, 30 + 90).etaSeconds).toBeCloseTo(170, 3);
    expect(line.view(19, 30 + 91).etaSeconds).toBeNull();
    expect(line.view(19, 30 + 91).status).toBe('calculating');
  });
});

describe('estimateBus with a known route', () => {
  // Variant 4426 runs due north through five stops 300 m apart; the tracked stop (id 3) is the middle one.
  // Reports give positions north of STOP, so a bus at -600 m is at the route's start.
  const stops = [1, 2, 3, 4, 5].map((id) => ({ id, ...north((id - 3) * 300) }));
  const path = buildVariantPath(4426, stops)!;
  const routes: RouteContext = { stopId: 3, dwellSeconds: 20, pathOf: (v) => (v === 4426 ? path : undefined) };

  it('measures distance along the route, gives an ETA from the 2nd fix, and marks passed on the first fix past', () => {
    const line = new Line();
    line.poll([report(19, 0, -500)], 2);
    expect(line.view(19, 2, routes).distanceMeters).toBeCloseTo(500, 0);
    expect(line.view(19, 2, routes).etaSeconds).toBeNull();
    line.poll([report(19, 15, -400)], 17);
    let bus = line.view(19, 17, routes);
    expect(bus.distanceMeters).toBeCloseTo(400, 0);
    expect(bus.etaSeconds).toBeGreaterThan(0);
    expect(bus.speedKmh).toBeCloseTo(24, 3);
    const first = bus.etaSeconds!;
    line.poll([report(19, 30, -250)], 32);
    bus = line.view(19, 32, routes);
    expect(bus.distanceMeters).toBeCloseTo(250, 0);
    expect(bus.etaSeconds).toBeLessThan(first);
    expect(bus.passed).toBe(false);
    line.poll([report(19, 45, 40)], 47);
    bus = line.view(19, 47, routes);
    expect(bus).toMatchObject({ passed: true, status: 'passed', etaSeconds: null });
    expect(bus.distanceMeters).toBeCloseTo(40, 0); // past the stop
  });

  it('says a bus of a variant that does not serve the stop is not coming', () => {
    const other: RouteContext = { ...routes, pathOf: () => buildVariantPath(9, [stops[3], stops[4]])! };
    const [track] = advanceTracks([], [report(19, 0, -500)], at(2));
    const bus = estimateBus(published(track, other), STOP, at(2), other);
    expect(bus).toMatchObject({ status: 'not_coming', etaSeconds: null, passed: false });
    expect(bus.distanceMeters).toBeCloseTo(500 * ROAD_FACTOR, 3);
  });

  it('gives no ETA from a fix older than 90 s', () => {
    const line = new Line();
    line.poll([report(19, 0, -500)], 2);
    line.poll([report(19, 15, -400)], 17);
    expect(line.view(19, 17, routes).etaSeconds).not.toBeNull();
    // The feed keeps sending the same fix: at 90 s it still counts, 91 s later it is stale.
    line.poll([report(19, 15, -400)], 15 + 90);
    expect(line.view(19, 15 + 90, routes).etaSeconds).not.toBeNull();
    line.poll([report(19, 15, -400)], 15 + 91);
    expect(line.view(19, 15 + 91, routes).etaSeconds).toBeNull();
  });

  it("serves every stop's tracking from what the line publishes once: approaching stop 3, it has passed stop 2", () => {
    const line = new Line();
    [-500, -400, -250, -50].forEach((n, i) => line.poll([report(19, i * 15, n)], i * 15 + 1));
    const shared = deepFreeze(published(line.bus(19)!, routes));
    const stop2 = north(-300);
    const routes2: RouteContext = { ...routes, stopId: 2 };
    const now = at(46);

    const atStop2 = estimateBus(shared, stop2, now, routes2);
    const atStop3 = estimateBus(shared, STOP, now, routes);

    expect(atStop3).toMatchObject({ passed: false, status: 'arriving', positionsCount: 4 });
    expect(atStop3.distanceMeters).toBeCloseTo(50, 0);
    expect(atStop3.etaSeconds).toBeGreaterThan(0);
    expect(atStop2).toMatchObject({ passed: true, status: 'passed', etaSeconds: null, positionsCount: 4 });
    expect(atStop2.distanceMeters).toBeCloseTo(250, 0); // 250 m past stop 2
    // Each is what a reader computing from the whole history would show, in whatever order they are asked.
    expect(atStop3).toEqual(line.view(19, 46, routes));
    expect(estimateBus(shared, stop2, now, routes2)).toEqual(atStop2);

    // By the seed rules too (from the last fixes the line publishes): stop 2 sees the bus moving away, stop 3
    // sees it closing in.
    const seed3 = estimateBus(shared, STOP, now);
    const seed2 = estimateBus(shared, stop2, now);
    // 450 m closer in 45 s: 10 m/s, 50 m to go.
    expect(seed3.etaSeconds).toBeCloseTo(5, 3);
    expect(seed3.distanceMeters).toBeCloseTo(50 * ROAD_FACTOR, 3);
    expect(seed2.etaSeconds).toBeNull();
    expect(seed2.status).toBe('calculating');
    expect(seed2.distanceMeters).toBeCloseTo(250 * ROAD_FACTOR, 3);
  });
});

describe('lineBusOf', () => {
  it('publishes the last five fixes and the progress along the route, never the whole history', () => {
    const path = buildVariantPath(
      4426,
      [1, 2, 3, 4, 5].map((id) => ({ id, ...north((id - 3) * 300) })),
    )!;
    const routes: RouteContext = { stopId: 3, dwellSeconds: 20, pathOf: () => path };
    const line = new Line();
    [-550, -500, -450, -400, -350, -300, -250].forEach((n, i) => line.poll([report(19, i * 15, n)], i * 15 + 1));
    const bus = published(line.bus(19)!, routes);
    expect(bus).not.toHaveProperty('history');
    expect(bus.positionsCount).toBe(7);
    expect(bus.recent.map((p) => p.fixAt)).toEqual([30, 45, 60, 75, 90].map(at));
    expect(bus.progress!.along).toBeCloseTo(350, 0);
    expect(bus.progress!.speedKmh).toBeCloseTo(12, 3);
    expect(published(line.bus(19)!).progress).toBeNull();
  });
});
