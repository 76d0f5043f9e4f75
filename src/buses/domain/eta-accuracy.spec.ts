import { buildVariantPath } from './along-route';
import type { LineBus } from './bus-estimate';
import { observedArrival, SHOWN_KEEP_MS, MAX_SHOWN_PER_VISIT, summarise, tallyVisit, withShown } from './eta-accuracy';

const T0 = Date.parse('2026-06-10T11:30:00Z');
// Stops 1, 2, 3 about 1,112 m apart on a meridian, northward.
const path = buildVariantPath(9, [
  { id: 1, latitude: -34.9, longitude: -56.2 },
  { id: 2, latitude: -34.89, longitude: -56.2 },
  { id: 3, latitude: -34.88, longitude: -56.2 },
])!;
const STOP2 = { latitude: -34.89, longitude: -56.2 };

/** A bus of variant 9 with fixes at [seconds after T0, metres north of stop 1]. */
function busWith(fixes: [number, number][]): LineBus {
  const recent = fixes.map(([s, m]) => ({
    latitude: -34.9 + m / 111_195,
    longitude: -56.2,
    fixAt: new Date(T0 + s * 1000),
  }));
  const last = recent[recent.length - 1];
  return {
    company: 'CUTCSA',
    busId: 1,
    line: '21',
    variantId: 9,
    destination: 'X',
    latitude: last.latitude,
    longitude: last.longitude,
    lastFixAt: last.fixAt,
    lastSeenAt: last.fixAt,
    missingCount: 0,
    positionsCount: recent.length,
    recent,
    progress: null,
  };
}

describe('observedArrival', () => {
  it('along the route: when the bus reached the stop, between the fix before it and the first fix there', () => {
    const bus = busWith([
      [0, 800],
      [20, 1000],
      [40, 1100],
      [60, 1150],
    ]);
    // 1,112 m − 10 m reached at 1,102 m: 2 m after the 1,100 m fix, on the way to 1,150 m (20 s for 50 m).
    expect(observedArrival(bus, path, 2, STOP2)! - T0).toBeCloseTo(40_800, -2);
  });

  it('is null when the fixes do not reach back to before the stop', () => {
    expect(
      observedArrival(
        busWith([
          [0, 1200],
          [20, 1300],
        ]),
        path,
        2,
        STOP2,
      ),
    ).toBeNull();
  });

  it('without a route: the time of the fix nearest the stop, unless that is the oldest one kept', () => {
    const bus = busWith([
      [0, 900],
      [20, 1105],
      [40, 1300],
      [60, 1500],
    ]);
    expect(observedArrival(bus, undefined, 2, STOP2)).toBe(T0 + 20_000);
    expect(
      observedArrival(
        busWith([
          [0, 1110],
          [20, 1300],
        ]),
        undefined,
        2,
        STOP2,
      ),
    ).toBeNull();
  });
});

describe('withShown', () => {
  it('keeps the recent ETAs only, and at most MAX_SHOWN_PER_VISIT of them', () => {
    const old = { at: T0, arrivalAt: T0 + 60_000 };
    const now = { at: T0 + SHOWN_KEEP_MS + 1, arrivalAt: T0 + SHOWN_KEEP_MS + 60_000 };
    expect(withShown([old], now)).toEqual([now]);
    let list = [old];
    for (let i = 1; i <= MAX_SHOWN_PER_VISIT + 5; i++) list = withShown(list, { at: T0 + i, arrivalAt: T0 });
    expect(list).toHaveLength(MAX_SHOWN_PER_VISIT);
    expect(list[list.length - 1].at).toBe(T0 + MAX_SHOWN_PER_VISIT + 5);
  });
});

describe('tallyVisit and summarise', () => {
  it('scores each ETA in the bucket of its horizon with that bucket’s window', () => {
    const arrivedAt = T0 + 20 * 60_000;
    const at = (minutesBefore: number, errorS: number) => ({
      at: arrivedAt - minutesBefore * 60_000,
      arrivalAt: arrivedAt - errorS * 1000,
    });
    const tallies = tallyVisit(
      [
        at(1, 80), // 0-3: 80 s late, within 90 s
        at(2, -40), // 0-3: 40 s early, beyond 30 s
        at(4, 140), // 3-6: within 2.5 min
        at(8, 220), // 6-10: beyond 3.5 min
        at(12, -80), // 10-15: within 1.5 min early
        at(16, 0), // beyond 15 min: not scored
      ],
      arrivedAt,
    );
    expect(tallies).toEqual([
      { bucket: '0-3 min', scored: 2, accurate: 1 },
      { bucket: '3-6 min', scored: 1, accurate: 1 },
      { bucket: '6-10 min', scored: 1, accurate: 0 },
      { bucket: '10-15 min', scored: 1, accurate: 1 },
    ]);
    const summary = summarise(tallies);
    expect(summary.buckets.map((b) => b.accuracy)).toEqual([0.5, 1, 0, 1]);
    expect(summary.score).toBeCloseTo(0.625);
  });

  it('leaves buckets with nothing scored out of the score, and has none with nothing at all', () => {
    expect(summarise([{ bucket: '3-6 min', scored: 4, accurate: 3 }]).score).toBe(0.75);
    expect(summarise([]).score).toBeNull();
  });
});
