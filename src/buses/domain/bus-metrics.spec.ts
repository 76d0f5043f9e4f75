import { mulberry32 as seeded } from '../../simulator/prng';
import { BUS_STATUSES, BusStatus } from './bus-status';
import {
  busStatus,
  closingSpeedMps,
  etaSeconds,
  Fix,
  hasPassed,
  MIN_FIXES_FOR_ETA,
  RECENT_FIXES,
  recentFixes,
  speedKmh,
  STATUS_THRESHOLDS_METERS,
} from './bus-metrics';

/** Metres per degree of latitude on the 6,371 km sphere. */
const METERS_PER_DEGREE_LAT = (6_371_000 * Math.PI) / 180; // ≈ 111,194.93
const T0 = Date.parse('2025-11-15T16:00:00.000Z');
const BASE_LAT = -34.9;
const BASE_LON = -56.16;

/** A fix `seconds` after T0, `northMeters` north of a fixed point, `distance` metres from the stop. */
function fix(seconds: number, distanceMeters: number, northMeters = 0): Fix {
  return {
    latitude: BASE_LAT + northMeters / METERS_PER_DEGREE_LAT,
    longitude: BASE_LON,
    fixAt: new Date(T0 + seconds * 1000),
    distanceMeters,
  };
}

/** Fixes every 10 s with the given distances to the stop (positions don't matter for these rules). */
const series = (distances: number[], stepSeconds = 10): Fix[] => distances.map((d, i) => fix(i * stepSeconds, d));

function shuffled<T>(items: readonly T[], rnd: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('recentFixes', () => {
  it('returns the last five fixes in time order whatever the input order', () => {
    const history = series([700, 600, 500, 400, 300, 200, 100]);
    const rnd = seeded(1);
    for (let i = 0; i < 20; i++) {
      expect(recentFixes(shuffled(history, rnd)).map((f) => f.distanceMeters)).toEqual([500, 400, 300, 200, 100]);
    }
    expect(RECENT_FIXES).toBe(5);
  });

  it('does not reorder the caller’s array', () => {
    const history = [fix(20, 1), fix(0, 3), fix(10, 2)];
    recentFixes(history);
    expect(history.map((f) => f.distanceMeters)).toEqual([1, 3, 2]);
  });
});

describe('speedKmh', () => {
  it('is null with no fixes or a single fix', () => {
    expect(speedKmh([])).toBeNull();
    expect(speedKmh([fix(0, 500)])).toBeNull();
  });

  it('is null when the fixes span zero elapsed time', () => {
    expect(speedKmh([fix(5, 500, 0), fix(5, 400, 100)])).toBeNull();
  });

  it.each<[string, Fix[], number]>([
    ['100 m in 10 s is 36 km/h', [fix(0, 0, 0), fix(10, 0, 100)], 36],
    ['100 m in 9 s is 40 km/h', [fix(0, 0, 0), fix(9, 0, 100)], 40],
    ['50 m in 7 s is 25.714… km/h (a float, not truncated)', [fix(0, 0, 0), fix(7, 0, 50)], (50 / 7) * 3.6],
    ['a bus standing still is 0 km/h', [fix(0, 0, 20), fix(30, 0, 20), fix(60, 0, 20)], 0],
    [
      'path length counts: 100 m north then 100 m back in 20 s is 36 km/h, not 0',
      [fix(0, 0, 0), fix(10, 0, 100), fix(20, 0, 0)],
      36,
    ],
    ['four 30 m hops every 15 s average 7.2 km/h', [0, 30, 60, 90, 120].map((m, i) => fix(i * 15, 0, m)), 7.2],
  ])('%s', (_name, history, expected) => {
    expect(speedKmh(history)).toBeCloseTo(expected, 3);
  });

  it('keeps the fraction of a km/h', () => {
    const speed = speedKmh([fix(0, 0, 0), fix(7, 0, 50)]);
    expect(speed).not.toBeNull();
    expect(Number.isInteger(speed)).toBe(false);
    expect(speed).toBeGreaterThan(25.7);
    expect(speed).toBeLessThan(25.72);
  });

  it('uses only the last five fixes', () => {
    // Two early fixes 1 km apart in 10 s (360 km/h), then five fixes 10 m apart every 10 s (3.6 km/h).
    const history = [fix(0, 0, -1000), fix(10, 0, 0), ...[10, 20, 30, 40, 50].map((m, i) => fix(20 + i * 10, 0, m))];
    expect(speedKmh(history)).toBeCloseTo(3.6, 3);
  });

  it('gives the same speed whatever the order of the history (seeded shuffles)', () => {
    const rnd = seeded(99);
    for (let trial = 0; trial < 50; trial++) {
      let north = 0;
      let seconds = 0;
      const history = Array.from({ length: 2 + Math.floor(rnd() * 10) }, () => {
        north += rnd() * 200 - 50;
        seconds += 5 + Math.floor(rnd() * 20); // distinct timestamps, as applyReports guarantees
        return fix(seconds, 0, north);
      });
      const expected = speedKmh(history);
      expect(expected).not.toBeNull();
      expect(speedKmh(shuffled(history, rnd))).toBe(expected);
    }
  });
});

describe('hasPassed', () => {
  it.each<[string, boolean, number[]]>([
    ['five fixes, each farther than the last', true, [100, 200, 300, 400, 500]],
    ['four fixes moving away are not enough', false, [100, 200, 300, 400]],
    ['a single fix', false, [100]],
    ['no fixes', false, []],
    ['one transition that stayed at the same distance', false, [100, 200, 300, 300, 400]],
    ['one transition that got closer', false, [100, 200, 150, 300, 400]],
    ['the last transition got closer', false, [100, 200, 300, 400, 390]],
    ['the first of the five transitions got closer', false, [200, 100, 300, 400, 500]],
    ['a bus approaching all the way', false, [500, 400, 300, 200, 100]],
    ['a bus parked at the terminal', false, [50, 50, 50, 50, 50]],
    ['approaching earlier, moving away for the last five fixes', true, [500, 400, 300, 200, 100, 150, 200, 250, 300]],
    ['moved away for five fixes, then turned back', false, [100, 200, 300, 400, 500, 450]],
    ['an early closer transition outside the last five does not count', true, [100, 90, 200, 300, 400, 500]],
  ])('%s → %s', (_name, expected, distances) => {
    expect(hasPassed(series(distances))).toBe(expected);
  });

  it('decides on time order, not array order (seeded shuffles)', () => {
    const rnd = seeded(5);
    const away = series([10, 20, 40, 80, 160, 320]);
    const closer = series([320, 160, 80, 40, 20, 10]);
    for (let i = 0; i < 30; i++) {
      expect(hasPassed(shuffled(away, rnd))).toBe(true);
      expect(hasPassed(shuffled(closer, rnd))).toBe(false);
    }
  });
});

describe('closingSpeedMps', () => {
  it('is null with fewer than two fixes', () => {
    expect(closingSpeedMps([])).toBeNull();
    expect(closingSpeedMps(series([500]))).toBeNull();
  });

  it('is null when no time elapsed between the first and last recent fix', () => {
    expect(closingSpeedMps([fix(0, 500), fix(0, 400)])).toBeNull();
  });

  it.each<[string, Fix[], number]>([
    ['1000 m → 900 m in 10 s closes at 10 m/s', series([1000, 900]), 10],
    ['1000 m → 800 m in 20 s, with a stop in between, averages 10 m/s', series([1000, 1000, 800]), 10],
    ['moving away 100 m → 200 m in 10 s is -10 m/s', series([100, 200]), -10],
    ['no change in distance is 0 m/s', series([300, 280, 300]), 0],
    ['uses the first and last of the last five fixes only', series([5000, 4000, 1000, 950, 900, 850, 800]), 5],
  ])('%s', (_name, history, expected) => {
    expect(closingSpeedMps(history)).toBeCloseTo(expected, 9);
  });
});

describe('etaSeconds', () => {
  it('needs at least three fixes', () => {
    expect(MIN_FIXES_FOR_ETA).toBe(3);
    expect(etaSeconds([], false)).toBeNull();
    expect(etaSeconds(series([1000]), false)).toBeNull();
    expect(etaSeconds(series([1000, 900]), false)).toBeNull();
    expect(etaSeconds(series([1000, 900, 800]), false)).not.toBeNull();
  });

  it('is null for a bus that has passed, even with a good approach history', () => {
    expect(etaSeconds(series([1000, 900, 800, 700]), true)).toBeNull();
  });

  it.each<[string, number[]]>([
    ['standing still (closing speed 0)', [500, 500, 500]],
    ['moving away (closing speed < 0)', [500, 600, 700]],
    ['back where it was five fixes ago', [500, 450, 400, 450, 500]],
  ])('is null when %s', (_name, distances) => {
    expect(etaSeconds(series(distances), false)).toBeNull();
  });

  it.each<[string, number[], number, number]>([
    ['1000 → 900 → 800 m every 10 s: 800 m at 10 m/s', [1000, 900, 800], 10, 80],
    ['600 → 500 → 400 m every 20 s: 400 m at 5 m/s', [600, 500, 400], 20, 80],
    [
      'uneven approach 1000 → 990 → 700 → 650 m every 10 s: 650 m at 350/30 m/s',
      [1000, 990, 700, 650],
      10,
      650 / (350 / 30),
    ],
    ['only the last five fixes count for the speed', [9000, 5000, 1000, 900, 800, 700, 600], 10, 600 / 10],
  ])('is latest distance / closing speed: %s', (_name, distances, step, expected) => {
    expect(etaSeconds(series(distances, step), false)).toBeCloseTo(expected, 6);
  });

  it('takes the latest fix by time, not the last array element', () => {
    const history = series([1000, 900, 800]);
    expect(etaSeconds([history[2], history[0], history[1]], false)).toBeCloseTo(80, 6);
  });

  it('is always positive and equals distance / closing speed for approaching buses (seeded)', () => {
    const rnd = seeded(123);
    for (let trial = 0; trial < 100; trial++) {
      let d = 2000 + rnd() * 5000; // at most 10 × 151 m closer: never reaches the stop
      const distances = Array.from({ length: 3 + Math.floor(rnd() * 8) }, () => (d -= 1 + rnd() * 150));
      const history = series(distances, 15);
      const closing = closingSpeedMps(history);
      const eta = etaSeconds(history, false);
      expect(closing).toBeGreaterThan(0);
      expect(eta).toBeGreaterThan(0);
      expect(eta).toBeCloseTo(history[history.length - 1].distanceMeters / (closing as number), 6);
    }
  });
});

describe('busStatus', () => {
  const { arriving, veryClose, approaching } = STATUS_THRESHOLDS_METERS;

  it('uses the dashboard thresholds of SPEC §3.4 (100 m, 300 m, 1000 m)', () => {
    expect([arriving, veryClose, approaching]).toEqual([100, 300, 1000]);
  });

  it.each<[number, boolean, number | null, BusStatus]>([
    [50, true, 10, 'passed'],
    [50, true, null, 'passed'],
    [5000, true, null, 'passed'],
    [0, false, null, 'arriving'],
    [50, false, null, 'arriving'],
    [99.9, false, null, 'arriving'],
    [99.9, false, 12, 'arriving'],
    [100, false, null, 'calculating'],
    [100, false, 12, 'very_close'],
    [299.9, false, 30, 'very_close'],
    [300, false, 30, 'approaching'],
    [300, false, null, 'calculating'],
    [999.9, false, 100, 'approaching'],
    [1000, false, 100, 'on_the_way'],
    [1000, false, null, 'calculating'],
    [25_000, false, 2400, 'on_the_way'],
    [25_000, false, null, 'calculating'],
  ])('%d m, passed=%s, eta=%s → %s', (distance, passed, eta, expected) => {
    expect(busStatus(distance, passed, eta)).toBe(expected);
  });

  it('always answers one of the known statuses, monotone in distance (seeded)', () => {
    const order: BusStatus[] = ['arriving', 'very_close', 'approaching', 'on_the_way'];
    const rnd = seeded(77);
    for (let i = 0; i < 200; i++) {
      const a = rnd() * 3000;
      const b = a + rnd() * 3000;
      const sa = busStatus(a, false, 60);
      const sb = busStatus(b, false, 60);
      expect(BUS_STATUSES).toContain(sa);
      expect(order.indexOf(sa)).toBeLessThanOrEqual(order.indexOf(sb));
    }
  });
});
