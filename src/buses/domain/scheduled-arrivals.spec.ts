import { buildVariantPath, scheduledRunSeconds } from './along-route';
import { LATE_DEPARTURE_MS, scheduledArrivals, ServingVariant } from './scheduled-arrivals';

const now = new Date('2026-06-10T11:30:00Z');
const at = (minutes: number): Date => new Date(now.getTime() + minutes * 60_000);
const variants: ServingVariant[] = [
  { variantId: 1, line: '21', destination: 'CENTRO', runSeconds: 600 },
  { variantId: 2, line: '21', destination: 'GEANT', runSeconds: 300 },
  { variantId: 3, line: '103', destination: 'ADUANA', runSeconds: 120 },
];

describe('scheduledArrivals', () => {
  it('lists departures from now on with their arrival (departure plus running time) and no bus', () => {
    const got = scheduledArrivals(variants.slice(2), [{ variantId: 3, departsAt: at(4) }], [], now);
    expect(got).toEqual([
      {
        line: '103',
        variantId: 3,
        destination: 'ADUANA',
        departureAt: at(4),
        arrivalAt: at(6),
        etaSeconds: 360,
        company: null,
        busId: null,
      },
    ]);
  });

  it('leaves out departures already gone, and those of variants that do not serve the stop', () => {
    const got = scheduledArrivals(
      variants,
      [
        { variantId: 1, departsAt: at(-1) },
        { variantId: 9, departsAt: at(2) },
        { variantId: 2, departsAt: at(3) },
      ],
      [],
      now,
    );
    expect(got.map((e) => [e.variantId, e.departureAt])).toEqual([[2, at(3)]]);
  });

  it('gives a waiting bus its variant’s earliest departure due, even a little late, and does not list it twice', () => {
    const got = scheduledArrivals(
      variants,
      [
        { variantId: 1, departsAt: at(-2) },
        { variantId: 1, departsAt: at(10) },
      ],
      [{ company: 'CUTCSA', busId: 77, variantId: 1 }],
      now,
    );
    expect(got.map((e) => [e.busId, e.departureAt, e.etaSeconds])).toEqual([
      [77, at(-2), 480],
      [null, at(10), 1200],
    ]);
  });

  it('shows a waiting bus with no departure due without a time, after the timed entries', () => {
    const late = new Date(now.getTime() - LATE_DEPARTURE_MS - 60_000);
    const got = scheduledArrivals(
      variants,
      [
        { variantId: 1, departsAt: late },
        { variantId: 3, departsAt: at(1) },
      ],
      [{ company: 'COME', busId: 5, variantId: 1 }],
      now,
    );
    expect(got.map((e) => [e.variantId, e.busId, e.departureAt])).toEqual([
      [3, null, at(1)],
      [1, 5, null],
    ]);
  });

  it('keeps the soonest few of each line, soonest arrival first across lines', () => {
    const departures = [0, 5, 10, 15, 20].flatMap((m) => [
      { variantId: 1, departsAt: at(m) },
      { variantId: 3, departsAt: at(m + 1) },
    ]);
    const got = scheduledArrivals(variants, departures, [], now, 2);
    expect(got.map((e) => [e.line, e.etaSeconds])).toEqual([
      ['103', 180],
      ['103', 480],
      ['21', 600],
      ['21', 900],
    ]);
  });
});

describe('scheduledRunSeconds', () => {
  // Three stops about 1,112 m apart on a meridian.
  const path = buildVariantPath(1, [
    { id: 10, latitude: -34.9, longitude: -56.2 },
    { id: 11, latitude: -34.89, longitude: -56.2 },
    { id: 12, latitude: -34.88, longitude: -56.2 },
  ])!;

  it('is the distance from the first stop at a typical pace, plus a dwell at each stop on the way', () => {
    const first = scheduledRunSeconds(path, 11, { dwellSeconds: 20 })!;
    const second = scheduledRunSeconds(path, 12, { dwellSeconds: 20 })!;
    expect(first).toBeCloseTo(1112 / (25 / 3.6), -1);
    expect(second - 2 * first).toBeCloseTo(20, 0);
  });

  it('is zero at the first stop and null at a stop the variant does not call at', () => {
    expect(scheduledRunSeconds(path, 10)).toBe(0);
    expect(scheduledRunSeconds(path, 99)).toBeNull();
  });
});
