import {
  alongSeries,
  alongSpeedMps,
  buildVariantPath,
  estimateAlongRoute,
  PASS_MARGIN_M,
  PathStop,
  travelSeconds,
  VariantPath,
} from './along-route';
import { Fix } from './bus-metrics';

const METERS_PER_DEGREE = (6_371_000 * Math.PI) / 180;
const ORIGIN = { latitude: -34.9, longitude: -56.16 };
const T0 = Date.parse('2026-11-29T16:00:00.000Z');
const cosLat = Math.cos((ORIGIN.latitude * Math.PI) / 180);

/** A point `north` and `east` metres from the origin. */
const at = (north: number, east = 0): { latitude: number; longitude: number } => ({
  latitude: ORIGIN.latitude + north / METERS_PER_DEGREE,
  longitude: ORIGIN.longitude + east / (METERS_PER_DEGREE * cosLat),
});

const stop = (id: number, north: number, east = 0): PathStop => ({ id, ...at(north, east) });

/** Five stops 300 m apart due north: stop 1 at 0 m … stop 5 at 1200 m. */
const straight = buildVariantPath(
  1001,
  [1, 2, 3, 4, 5].map((id) => stop(id, (id - 1) * 300)),
)!;

/**
 * Out along an avenue and back on it (a loop, as circular lines run): stops 1 (0 m), 2 (400 m north),
 * 3 (800 m north), a turn 60 m east, then 4 back at 400 m north and 5 at 0 m, 60 m east of the first leg.
 * A point on the avenue is near both legs: only the bus's history says which.
 */
const loop = buildVariantPath(2002, [
  stop(1, 0),
  stop(2, 400),
  stop(3, 800),
  stop(30, 800, 60),
  stop(4, 400, 60),
  stop(5, 0, 60),
])!;

/** Fixes at the given along-route positions on the straight path, one every `step` seconds. */
function fixes(norths: number[], step = 15, east = 0): Fix[] {
  return norths.map((north, i) => ({ ...at(north, east), fixAt: new Date(T0 + i * step * 1000), distanceMeters: 0 }));
}

describe('buildVariantPath', () => {
  it('places each stop at its distance along the path through the stops', () => {
    expect(straight.offsets.map(Math.round)).toEqual([0, 300, 600, 900, 1200]);
    expect(straight.stopIds).toEqual([1, 2, 3, 4, 5]);
    expect(Math.round(straight.route.length)).toBe(1200);
  });

  it('needs two stops to make a path', () => {
    expect(buildVariantPath(1, [stop(1, 0)])).toBeNull();
    expect(buildVariantPath(1, [])).toBeNull();
  });
});

describe('alongSeries: projecting fixes on the path', () => {
  it.each([
    ['before the first stop (clamped to its start)', -80, 0],
    ['on the first stop', 0, 0],
    ['between two stops', 450, 450],
    ['on a middle stop', 600, 600],
    ['past the end (clamped to its end)', 1300, 1200],
  ])('%s', (_name, north, expected) => {
    const [only] = alongSeries(straight, fixes([north]))!;
    expect(only.along).toBeCloseTo(expected, 0);
  });

  it('projects a fix beside the road onto it', () => {
    const [only] = alongSeries(straight, fixes([500], 15, 40))!;
    expect(only.along).toBeCloseTo(500, 0);
  });

  it('says nothing when the newest fix is far off the route', () => {
    expect(alongSeries(straight, fixes([100, 200], 15, 2000))).toBeNull();
    // An old fix off the route is only skipped.
    const series = alongSeries(straight, [...fixes([100], 15, 2000), ...fixes([200, 300]).slice(1)])!;
    expect(series.map((f) => Math.round(f.along))).toEqual([300]);
  });

  it('never goes backwards: a fix that jumps back is scatter and counts as no progress', () => {
    const series = alongSeries(straight, fixes([300, 420, 380, 520]))!;
    expect(series.map((f) => Math.round(f.along))).toEqual([300, 420, 420, 520]);
  });

  it('on a loop, takes a point near both legs to be on the first leg with no history…', () => {
    const [only] = alongSeries(loop, [{ ...at(200, 30), fixAt: new Date(T0) }])!;
    expect(only.along).toBeCloseTo(200, 0);
  });

  it('…and on the way back when the bus has come round the loop', () => {
    const outAndBack = [at(700), at(800, 30), at(650, 60), at(500, 60), at(200, 30)].map((p, i) => ({
      ...p,
      fixAt: new Date(T0 + i * 15_000),
      distanceMeters: 0,
    }));
    const series = alongSeries(loop, outAndBack)!;
    // 800 out + 60 across + 600 back down the second leg; the last fix sits between the legs.
    expect(series.map((f) => Math.round(f.along))).toEqual([700, 830, 1010, 1160, 1460]);
  });
});

describe('alongSpeedMps', () => {
  it('is progress over time along the route, in m/s', () => {
    expect(alongSpeedMps(alongSeries(straight, fixes([0, 100, 200, 300]))!)).toBeCloseTo(100 / 15, 3);
  });

  it('looks at the last two minutes only', () => {
    // Stood still for two minutes, then 150 m in each of the last 15 s steps.
    const series = alongSeries(straight, fixes([0, 0, 0, 0, 0, 0, 0, 0, 0, 150, 300]))!;
    const windowed = alongSpeedMps(series)!;
    expect(windowed).toBeCloseTo(300 / 120, 3);
  });

  it('is unknown from a single fix', () => {
    expect(alongSpeedMps(alongSeries(straight, fixes([100]))!)).toBeNull();
  });
});

describe('estimateAlongRoute', () => {
  const estimate = (path: VariantPath, stopId: number, f: Fix[]) => {
    const result = estimateAlongRoute(path, stopId, f, { dwellSeconds: 20 });
    if (result?.kind !== 'on-route') throw new Error(`expected an on-route estimate, got ${JSON.stringify(result)}`);
    return result;
  };

  it('measures the distance to the stop along the route', () => {
    const e = estimate(straight, 4, fixes([100, 250]));
    expect(e.remainingMeters).toBeCloseTo(650, 0);
    expect(e.passed).toBe(false);
  });

  it('marks a bus passed on the first fix past the stop', () => {
    const approaching = estimate(straight, 3, fixes([400, 500, 590]));
    expect(approaching.passed).toBe(false);
    const past = estimate(straight, 3, fixes([400, 500, 590, 600 + PASS_MARGIN_M + 5]));
    expect(past.passed).toBe(true);
    expect(past.remainingMeters).toBeCloseTo(PASS_MARGIN_M + 5, 0); // how far past it
    expect(past.etaSeconds).toBeNull();
  });

  it('does not take a bus standing at the stop (scatter around it included) for passed', () => {
    const dwelling = estimate(straight, 3, fixes([590, 600, 612, 605]));
    expect(dwelling.passed).toBe(false);
  });

  it('on a loop that serves the stop twice, aims at the next visit', () => {
    // Stop 1 is visited only at the start; stop "2" (400 m) is passed on the way out: on the way back the
    // bus has passed it and is not coming to it again.
    const e = estimate(loop, 2, fixes([100, 300]));
    expect(e.remainingMeters).toBeCloseTo(100, 0);
    const twice = buildVariantPath(3003, [stop(1, 0), stop(2, 400), stop(3, 800), stop(2, 400, 10), stop(5, 0, 10)])!;
    const back = alongSeries(
      twice,
      [at(700), at(800), at(600, 10)].map((p, i) => ({ ...p, fixAt: new Date(T0 + i * 15_000), distanceMeters: 0 })),
    )!;
    expect(Math.round(back[2].along)).toBe(1000); // 800 out, then 200 back down the diagonal second leg
    const again = estimate(
      twice,
      2,
      [at(700), at(800), at(600, 10)].map((p, i) => ({ ...p, fixAt: new Date(T0 + i * 15_000), distanceMeters: 0 })),
    );
    expect(again.passed).toBe(false);
    expect(again.remainingMeters).toBeCloseTo(200, 0);
  });

  it('says the bus is not coming when its variant does not serve the stop', () => {
    expect(estimateAlongRoute(straight, 999, fixes([100, 200]))).toEqual({ kind: 'not-serving' });
  });

  it('shows a bus waiting at its first stop as at the terminus, with no ETA', () => {
    const waiting = estimate(straight, 4, fixes([0, 3, 2]));
    expect(waiting.atTerminus).toBe(true);
    expect(waiting.etaSeconds).toBeNull();
    const leaving = estimate(straight, 4, fixes([0, 3, 60]));
    expect(leaving.atTerminus).toBe(false);
    expect(leaving.etaSeconds).not.toBeNull();
  });

  it('gives no ETA from a single fix', () => {
    expect(estimate(straight, 5, fixes([300])).etaSeconds).toBeNull();
  });

  it('counts a dwell for every stop served before the tracked one', () => {
    const series = alongSeries(straight, fixes([100, 200]))!;
    const toStop3 = travelSeconds(straight, series, 600, 20);
    const toStop3NoDwell = travelSeconds(straight, series, 600, 0);
    expect(toStop3 - toStop3NoDwell).toBeCloseTo(20, 6); // stop 2 lies between
    const toStop5 = travelSeconds(straight, series, 1200, 20);
    expect(toStop5 - travelSeconds(straight, series, 1200, 0)).toBeCloseTo(60, 6); // stops 2, 3 and 4
  });

  it("learns the bus's own pace: a fast bus is expected sooner than a slow one", () => {
    const fast = estimate(straight, 5, fixes([0, 120, 240, 360, 480, 600]).slice(1)).etaSeconds!;
    const slow = estimate(straight, 5, fixes([0, 40, 80, 120, 160, 200]).slice(1)).etaSeconds!;
    expect(fast).toBeLessThan(slow);
    // 8 m/s for a minute, with the dwell at the stops it left or stands at (300 m, 600 m) taken out,
    // blended with the 25 km/h prior weighing a minute.
    const fastSpeed = (480 + (25 / 3.6) * 60) / (60 - 2 * 20 + 60);
    expect(fast).toBeCloseTo((1200 - 600) / fastSpeed + 20, 3); // stop 4 lies ahead
  });
});

describe('the end of the route', () => {
  it('counts a bus that reached its last stop as done there, even when that stop is the tracked one', () => {
    const e = estimateAlongRoute(straight, 5, fixes([1100, 1195, 1200]));
    expect(e).toMatchObject({ kind: 'on-route', passed: true, etaSeconds: null });
    const coming = estimateAlongRoute(straight, 5, fixes([1000, 1100]));
    expect(coming).toMatchObject({ kind: 'on-route', passed: false });
  });
});

describe('the pace after a wait at the terminus', () => {
  it('is judged from when the bus left, not from the wait', () => {
    // Two minutes standing at the first stop, then 100 m per 15 s.
    const waited = fixes([0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 200]);
    const straightAway = fixes([0, 100, 200]);
    const a = estimateAlongRoute(straight, 5, waited);
    const b = estimateAlongRoute(straight, 5, straightAway);
    if (a?.kind !== 'on-route' || b?.kind !== 'on-route') throw new Error('expected on-route estimates');
    expect(a.etaSeconds).toBeCloseTo(b.etaSeconds!, 6);
  });
});

describe('a new trip', () => {
  it('starts the series afresh when the bus reappears at the start of its route', () => {
    // The end of one trip, then the same bus back at the first stop for the next.
    const series = alongSeries(straight, fixes([1100, 1200, 1200, 0, 0, 80]))!;
    expect(series.map((f) => Math.round(f.along))).toEqual([0, 0, 80]);
    const e = estimateAlongRoute(straight, 3, fixes([1100, 1200, 1200, 0, 0, 80]));
    expect(e).toMatchObject({ kind: 'on-route', passed: false });
    if (e?.kind === 'on-route') expect(e.remainingMeters).toBeCloseTo(520, 0);
  });

  it('does not mistake a fix a little behind for a new trip', () => {
    const series = alongSeries(straight, fixes([600, 700, 560]))!;
    expect(series.map((f) => Math.round(f.along))).toEqual([600, 700, 700]);
  });
});

describe('a GPS jump at the terminus', () => {
  it('does not start a waiting bus on its way', () => {
    // Standing at the first stop; one fix jumps 45 m up the road, the next ones are back at the stop.
    const e = estimateAlongRoute(straight, 4, fixes([0, 3, 45, 2, 4]));
    expect(e).toMatchObject({ kind: 'on-route', atTerminus: true, etaSeconds: null });
  });

  it('judges the pace from the last fix at the stop once the bus has left', () => {
    const jumped = estimateAlongRoute(straight, 5, fixes([0, 0, 0, 0, 45, 2, 0, 100, 200]));
    const clean = estimateAlongRoute(straight, 5, fixes([0, 100, 200]));
    if (jumped?.kind !== 'on-route' || clean?.kind !== 'on-route') throw new Error('expected on-route estimates');
    // Within a tenth of the clean estimate (the jump's 45 m count as already covered); counting the wait
    // would have made it several times longer.
    expect(Math.abs(jumped.etaSeconds! - clean.etaSeconds!)).toBeLessThan(clean.etaSeconds! * 0.1);
  });
});
