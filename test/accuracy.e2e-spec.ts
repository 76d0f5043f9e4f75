import { scoreEtas, EtaPrediction } from '../src/eval/eta-benchmark';
import { sleep, startSystem, TestSystem } from './support/system';

/** Stop 3227 (Av 8 de Octubre y Bv Batlle y Ordóñez) is on the known routes of lines 103, 109 and 110. */
const STOP = 3227;
const LINES = ['103', '109', '110'];

interface Bus {
  busId: number;
  company: string;
  etaSeconds: number | null;
  passed: boolean;
  lastFixAt: string;
}
interface Summary {
  buckets: { bucket: string; scored: number; accurate: number; accuracy: number | null }[];
  score: number | null;
}

describe('ETA accuracy measured on the live feed, against the simulator’s ground truth', () => {
  let sys: TestSystem;

  beforeAll(async () => {
    // 20 simulated seconds per real second, a tick every 0.4 s: 8 simulated seconds between polls.
    sys = await startSystem({ timeScale: 20, env: { TRACKING_INTERVAL_SECONDS: '0.4' } });
  });
  afterAll(async () => {
    await sys?.close();
  });

  it('scores the ETAs it showed by bucket, close to what the real arrivals say of the same ETAs', async () => {
    const empty = (await sys.http().get('/api/accuracy').expect(200)).body as { today: Summary; total: Summary };
    expect(empty.total.score).toBeNull();
    expect(empty.today.buckets.map((b) => b.scored)).toEqual([0, 0, 0, 0]);

    const { body } = await sys.http().post('/api/trackings').send({ stopId: STOP, lines: LINES }).expect(202);
    const id = body.id as string;
    // What a rider was shown, on the simulator's clock (the fixes' clock: it runs 20 times faster than ours).
    const shown: { bus: string; at: number; arrivalAt: number }[] = [];
    const started = sys.sim.simulator.now();
    const deadline = Date.now() + 30_000; // 10 simulated minutes
    while (Date.now() < deadline) {
      const view = (await sys.http().get(`/api/trackings/${id}/buses`).expect(200)).body as {
        generatedAt: string;
        buses: Bus[];
      };
      for (const b of view.buses) {
        if (b.etaSeconds === null || b.passed) continue;
        const at = Math.max(Date.parse(view.generatedAt), Date.parse(b.lastFixAt));
        shown.push({ bus: `${b.company}#${b.busId}`, at, arrivalAt: at + b.etaSeconds * 1000 });
      }
      await sleep(400);
    }
    const ended = sys.sim.simulator.now();

    // The ground truth: the same ETAs joined with when each bus really reached the stop (the visit nearest the
    // time shown, as eval:eta does), for the visits over by the end of the run.
    const visits = sys.sim.simulator.arrivals({ stopId: STOP, lines: LINES, from: started - 300_000, to: ended });
    const truth: EtaPrediction[] = [];
    for (const s of shown) {
      const own = visits.filter((v) => `${v.company}#${v.busId}` === s.bus && v.arrivedAt >= s.at - 300_000);
      if (!own.length) continue;
      const visit = own.reduce((a, b) =>
        Math.abs(b.arrivedAt - s.arrivalAt) < Math.abs(a.arrivedAt - s.arrivalAt) ? b : a,
      );
      truth.push({ horizonS: (visit.arrivedAt - s.at) / 1000, errorS: (visit.arrivedAt - s.arrivalAt) / 1000 });
    }
    const expected = scoreEtas(truth);

    const live = (await sys.http().get('/api/accuracy').expect(200)).body as { today: Summary; total: Summary };
    const scored = live.total.buckets.reduce((n, b) => n + b.scored, 0);
    expect(scored).toBeGreaterThan(50);
    for (const b of live.total.buckets) expect(b.accurate).toBeLessThanOrEqual(b.scored);
    expect(live.today.buckets).toEqual(live.total.buckets);
    // The short buckets fill within the run; the live figures agree with the truth's: as many ETAs in each
    // (the arrival it saw puts them in the right bucket), as many of them right.
    for (const i of [0, 1]) {
      const [mine, real] = [live.total.buckets[i], expected.buckets[i]];
      expect(mine.scored).toBeGreaterThan(10);
      expect(Math.abs(mine.scored - real.predictions)).toBeLessThanOrEqual(0.25 * real.predictions);
      expect(Math.abs(mine.accuracy! - real.accuracy!)).toBeLessThanOrEqual(0.15);
    }
    expect(Math.abs(live.total.score! - expected.score!)).toBeLessThanOrEqual(0.15);

    // And on /metrics, as counters by bucket.
    const metrics = (await sys.http().get('/metrics').expect(200)).text;
    const counted = metrics.match(/^bus_tracker_eta_scored_total\{bucket="0-3 min",process="web"\} (\d+)/m);
    expect(Number(counted?.[1])).toBeGreaterThanOrEqual(live.total.buckets[0].scored);
    expect(metrics).toMatch(
      /^bus_tracker_eta_accuracy_today_score\{process="web"\} 0?\.\d+|^bus_tracker_eta_accuracy_today_score\{process="web"\} 1/m,
    );
    console.log(
      `live accuracy by bucket ${JSON.stringify(live.total.buckets.map((b) => [b.scored, b.accuracy]))}, ` +
        `score ${live.total.score}; ground truth ${JSON.stringify(expected.buckets.map((b) => [b.predictions, b.accuracy]))}, score ${expected.score}`,
    );
  });
});
