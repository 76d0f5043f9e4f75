import { buildRoute, type LonLat } from '../shared/route';
import { chainTrips, PRE_DEPARTURE_MS, TURNAROUND_MS, type PlannedTrip, type SimVariant } from './fleet';
import { departureMinutes } from './timetable';

const A: LonLat = [-56.2, -34.9];
const B: LonLat = [-56.15, -34.9];
/** A variant from `from` to `to` (about 4.6 km), as far as chaining cares. */
function variant(id: number, from: LonLat, to: LonLat): SimVariant {
  const route = buildRoute([from, to]);
  return {
    record: { lineVariantId: id, line: '1', lineId: 1, origin: '', destination: '', subline: '', special: false },
    lineKey: '1',
    route,
    stopIds: [1, 2],
    offsets: [0, route.length],
    baseSpeedsKmh: [25],
  };
}
const outbound = variant(10, A, B);
const inbound = variant(11, B, A);
const MIN = 60_000;
const trip = (v: SimVariant, startMin: number, minutes = 30): PlannedTrip => ({
  variant: v,
  minute: startMin,
  startMs: startMin * MIN,
  plannedEndMs: (startMin + minutes) * MIN,
});

describe('chainTrips', () => {
  it('gives the next trip from a terminus to the bus that ended there: it changes variant for the way back', () => {
    const blocks = chainTrips([trip(outbound, 360), trip(inbound, 400), trip(outbound, 440)]);
    expect(blocks).toHaveLength(1);
    expect(blocks[0].trips.map((t) => t.variant.record.lineVariantId)).toEqual([10, 11, 10]);
    expect(blocks[0].fromMs).toBe(360 * MIN - PRE_DEPARTURE_MS);
    expect(blocks[0].toMs).toBe(470 * MIN);
  });

  it('takes a bus out of the depot when none is at the terminus in time for the turnaround', () => {
    const tight = 390 + (TURNAROUND_MS / MIN - 1); // the first bus is back at 390, too late for this one
    const blocks = chainTrips([trip(outbound, 360), trip(outbound, 362), trip(inbound, tight)]);
    expect(blocks.map((b) => b.trips.map((t) => t.minute))).toEqual([[360], [362], [tight]]);
  });

  it('never gives a bus a trip from a terminus it is not at', () => {
    const blocks = chainTrips([trip(outbound, 360), trip(outbound, 420)]);
    expect(blocks).toHaveLength(2);
  });

  it('hands the trip to the bus that has waited longest', () => {
    const blocks = chainTrips([trip(outbound, 300), trip(outbound, 320), trip(inbound, 400), trip(inbound, 410)]);
    expect(blocks[0].trips.map((t) => t.minute)).toEqual([300, 400]);
    expect(blocks[1].trips.map((t) => t.minute)).toEqual([320, 410]);
  });
});

describe('departureMinutes', () => {
  const schedules = { '10': { weekday: [300, 330, 330, 315], saturday: [400], sunday: [] } };

  it("uses the city's timetable for the day type, sorted, a minute listed twice running once", () => {
    expect(departureMinutes(schedules, 1, 10, 'weekday')).toEqual([300, 315, 330]);
    expect(departureMinutes(schedules, 1, 10, 'saturday')).toEqual([400]);
    expect(departureMinutes(schedules, 1, 10, 'sunday')).toEqual([]);
  });

  it('makes one up where the city has none: a headway of 12 to 60 min within service hours', () => {
    for (const seed of [1, 2, 3]) {
      for (const dayType of ['weekday', 'saturday', 'sunday'] as const) {
        const minutes = departureMinutes(schedules, seed, 99, dayType);
        expect(minutes.length).toBeGreaterThan(15);
        expect(minutes[0]).toBeGreaterThanOrEqual(5.5 * 60);
        expect(minutes[minutes.length - 1]).toBeLessThan(23.5 * 60);
        const gaps = minutes.slice(1).map((m, i) => m - minutes[i]);
        expect(Math.min(...gaps)).toBeGreaterThanOrEqual(11);
        expect(Math.max(...gaps)).toBeLessThanOrEqual(90);
      }
    }
    // Fewer buses at the weekend, and the same seed gives the same timetable.
    expect(departureMinutes(schedules, 1, 99, 'sunday').length).toBeLessThan(
      departureMinutes(schedules, 1, 99, 'weekday').length,
    );
    expect(departureMinutes(schedules, 1, 99, 'weekday')).toEqual(departureMinutes(schedules, 1, 99, 'weekday'));
  });
});
