import { AddressInfo } from 'node:net';
import { scheduledRunSeconds } from '../src/buses/domain/along-route';
import { serviceDayWindows } from '../src/catalog/domain/service-days';
import type { VariantPath } from '../src/catalog/domain/variant-path';
import { VariantPaths } from '../src/catalog/variant-paths';
import { loadMontevideoData } from '../src/shared/montevideo-data';
import { departureMinutes } from '../src/simulator/timetable';
import { SseClient } from './support/sse-client';
import { startSystem, TestSystem } from './support/system';

interface Scheduled {
  line: string;
  variantId: number;
  destination: string;
  departureAt: string | null;
  arrivalAt: string | null;
  etaSeconds: number | null;
  company: string | null;
  busId: number | null;
}

const SEED = 7; // startSystem's simulator seed
const HOUR_MS = 3_600_000;

describe('scheduled departures of buses not yet on their way (timetable → dashboard and stream)', () => {
  let sys: TestSystem;
  const data = loadMontevideoData();

  /** When the simulator's trips of a variant leave its first stop within [from, to] (epoch ms), in order. */
  const simDepartures = (variantId: number, from: number, to: number): number[] =>
    serviceDayWindows(from, to)
      .flatMap((day) =>
        departureMinutes(data.schedules, SEED, variantId, day.dayType)
          .filter((m) => m >= day.fromMinute && m <= day.toMinute)
          .map((m) => day.midnight + m * 60_000),
      )
      .sort((a, b) => a - b);

  beforeAll(async () => {
    sys = await startSystem({ timeScale: 20, env: { TRACKING_INTERVAL_SECONDS: '0.4' } });
  });
  afterAll(async () => {
    await sys?.close();
  });

  it("lists the next departures at a stop just after a terminus as the simulator's timetable has them", async () => {
    // A variant on its own road geometry with at least three trips from its terminus in the next two hours
    // (whatever the hour the test runs at), tracked at its second stop: its next buses have not left yet.
    const now = Date.now();
    const paths = await sys.web.get(VariantPaths).pathsOf(Object.keys(data.schedules).map(Number));
    const chosen = [...paths.values()].find(
      (p: VariantPath) =>
        p.source === 'shape' &&
        p.stopIds[1] !== p.stopIds[0] &&
        simDepartures(p.variantId, now, now + 2 * HOUR_MS).length >= 3,
    );
    expect(chosen).toBeDefined();
    const path = chosen!;
    const variant = data.variants.find((v) => v.lineVariantId === path.variantId)!;
    const stopId = path.stopIds[1];
    const created = await sys
      .http()
      .post('/api/trackings')
      .send({ stopId, lines: [variant.line], variantIds: [path.variantId] })
      .expect(202);
    const id = created.body.id as string;

    const before = Date.now();
    const { body } = await sys.http().get(`/api/trackings/${id}/buses`).expect(200);
    const scheduled = body.scheduled as Scheduled[];
    expect(scheduled).toHaveLength(3);
    for (const entry of scheduled) {
      expect(entry).toMatchObject({ line: variant.line, variantId: path.variantId, destination: variant.destination });
    }

    // The departures shown are the timetable's: a bus waiting at the terminus takes the one due (a few minutes
    // late at most), the rest are the next ones from now on, with no bus.
    const timetable = simDepartures(path.variantId, before - 10 * 60_000, before + 4 * HOUR_MS);
    const departures = scheduled.map((e) => Date.parse(e.departureAt!));
    for (const at of departures) expect(timetable).toContain(at);
    const claimed = scheduled.filter((e) => e.busId !== null).map((e) => Date.parse(e.departureAt!));
    const fromNow = timetable.filter((at) => at >= before - 1_000 && !claimed.includes(at));
    expect(scheduled.filter((e) => e.busId === null).map((e) => Date.parse(e.departureAt!))).toEqual(
      fromNow.slice(0, 3 - claimed.length),
    );

    // Each arrives its running time after it leaves: the first stretch at a typical pace (there is no dwell
    // before the second stop), and the ETA counts down to that arrival.
    const run = scheduledRunSeconds(path, stopId, { dwellSeconds: 20 })!;
    expect(run).toBeGreaterThan(0);
    for (const entry of scheduled) {
      expect(Date.parse(entry.arrivalAt!) - Date.parse(entry.departureAt!)).toBeCloseTo(run * 1000, -1);
      const eta = (Date.parse(entry.arrivalAt!) - Date.parse(body.generatedAt as string)) / 1000;
      expect(Math.abs(entry.etaSeconds! - Math.max(0, eta))).toBeLessThanOrEqual(1);
    }
    expect([...departures].sort((a, b) => a - b)).toEqual(departures);

    // The live stream carries the same list.
    const port = (sys.web.getHttpServer().address() as AddressInfo).port;
    const stream = await SseClient.open(`http://127.0.0.1:${port}/api/trackings/${id}/events`);
    try {
      const pushed = await stream.nextJson<{ scheduled: Scheduled[] }>('buses');
      expect(pushed.scheduled.map((e) => e.departureAt)).toEqual(scheduled.map((e) => e.departureAt));
    } finally {
      stream.close();
    }
  });
});
