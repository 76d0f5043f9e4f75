/**
 * The outage drill (docs/reliability.md): the web app and two workers (built, from dist/) against the STM
 * simulator, over a private redis-server and a fresh SQLite database, driven through the ways the city's API
 * fails. Per phase it prints the /buses and /token requests the simulator saw, the bound they should meet,
 * the trackings still active, and the time from the end of the phase to fresh data on every dashboard (split
 * into the backoff's wait for the first answer, and the time from that answer to fresh data).
 *
 *   npm run drill              # the full phases (about 8 minutes)
 *   npm run drill -- --quick   # compressed phases (about 3 minutes)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backoffCapMs, backoffMs } from '../../src/buses/stm/upstream-backoff';
import { startSimulatorServer } from '../../src/simulator/simulator-server';
import { freePort, Managed, sleep, startPrivateRedis, startProcess } from '../chaos/processes';
import { stopsOf } from '../../test/support/stops';

const QUICK = process.argv.includes('--quick');
const INTERVAL_S = 1;
const TRACKINGS = 10;
const LINE = '109';
const OLD = 'drill-old-secret';
const NEW = 'drill-new-secret';
const S = (full: number, quick: number): number => (QUICK ? quick : full) * 1000;
const say = (msg: string): void => console.error(`[drill] ${msg}`);

/** The most requests the shared backoff lets through in `ms` of failures (every wait at its shortest). */
function backoffBound(ms: number): number {
  const cap = backoffCapMs(INTERVAL_S * 1000);
  let [t, n] = [0, 0];
  while (t <= ms) t += backoffMs(++n, 0, cap);
  return n + 1;
}

interface View {
  id: string;
  status: string;
  stopReason: string | null;
  upstream?: { state: string; since: string | null; nextAttemptAt: string | null };
}
interface Ready {
  details?: { upstream?: unknown };
}

interface PhaseReport {
  phase: string;
  seconds: number;
  busRequests: number;
  tokenRequests: number;
  bound: number;
  active: number;
  failed: number;
  /** From the end of the phase to fresh data on every dashboard. */
  recoveryMs: number | null;
  /** From the end of the phase to the first /buses request the API answered (the shared backoff's wait). */
  firstAnswerMs: number | null;
  /** From that first answer to fresh data on every dashboard: at most one interval. */
  freshAfterAnswerMs: number | null;
}

async function main(): Promise<void> {
  const redis = await startPrivateRedis();
  const dir = mkdtempSync(join(tmpdir(), 'bt-drill-'));
  const sim = await startSimulatorServer({ port: 0, seed: 11, clientId: 'bus-tracker', clientSecret: OLD });
  const webPort = await freePort();
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'log',
    DATABASE_URL: `sqlite:${join(dir, 'drill.sqlite')}`,
    REDIS_URL: redis.url,
    PORT: String(webPort),
    STM_API_URL: sim.apiUrl,
    STM_TOKEN_URL: sim.tokenUrl,
    STM_CLIENT_ID: 'bus-tracker',
    STM_CLIENT_SECRET: OLD,
    STM_CREDENTIALS_REFUSED_SECONDS: '60',
    TRACKING_INTERVAL_SECONDS: String(INTERVAL_S),
    TRACKING_IDLE_MINUTES: '60',
    MAX_ACTIVE_TRACKINGS_PER_CLIENT: '0',
    THROTTLE_LIMIT: '0',
  };
  const node = process.execPath;
  const web = await startProcess('web', node, ['dist/main.js'], env, /listening on/);
  const workers: Managed[] = [];
  const startWorker = (secret: string): Promise<Managed> =>
    startProcess('worker', node, ['dist/worker.js'], { ...env, STM_CLIENT_SECRET: secret }, /worker started/);
  workers.push(await startWorker(OLD), await startWorker(OLD));
  const base = `http://127.0.0.1:${webPort}`;
  const json = async <T>(path: string, init?: RequestInit): Promise<T> =>
    (await (await fetch(base + path, init)).json()) as T;

  const ids: string[] = [];
  for (const stopId of stopsOf(LINE, TRACKINGS)) {
    const body = JSON.stringify({ stopId, lines: [LINE] });
    const res = await json<View>('/api/trackings', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    ids.push(res.id);
  }
  const views = (): Promise<View[]> => Promise.all(ids.map((id) => json<View>(`/api/trackings/${id}`)));
  const dashboards = (): Promise<View[]> => Promise.all(ids.map((id) => json<View>(`/api/trackings/${id}/buses`)));
  const allFresh = async (): Promise<boolean> => (await dashboards()).every((d) => d.upstream?.state === 'ok');
  const waitFresh = async (from: number, limitMs: number): Promise<number | null> => {
    while (Date.now() - from < limitMs) {
      if (await allFresh()) return Date.now() - from;
      await sleep(100);
    }
    return null;
  };
  const busCount = (): number => sim.requestCount('/api/transportepublico/buses');
  const tokenCount = (): number => sim.requestCount('/token');
  say(
    `${ids.length} trackings of line ${LINE} at a ${INTERVAL_S} s interval, two workers${QUICK ? ', quick phases' : ''}`,
  );
  await waitFresh(Date.now(), 30_000);

  const reports: PhaseReport[] = [];
  let sample: { dashboard?: unknown; ready?: unknown } = {};
  const phase = async (
    name: string,
    ms: number,
    bound: number,
    start: () => void | Promise<void>,
    end: () => void | Promise<void> = () => sim.clearFaults(),
  ): Promise<void> => {
    const [buses, tokens] = [busCount(), tokenCount()];
    const from = Date.now();
    say(`${name} for ${ms / 1000} s`);
    await start();
    await sleep(ms / 2);
    if (name.startsWith('5xx')) {
      sample = {
        dashboard: (await dashboards())[0]?.upstream,
        ready: (await json<Ready>('/health/ready')).details?.upstream,
      };
    }
    await sleep(from + ms - Date.now());
    const report: PhaseReport = {
      phase: name,
      seconds: ms / 1000,
      busRequests: busCount() - buses,
      tokenRequests: tokenCount() - tokens,
      bound,
      active: 0,
      failed: 0,
      recoveryMs: null,
      firstAnswerMs: null,
      freshAfterAnswerMs: null,
    };
    await end();
    const ended = Date.now();
    report.recoveryMs = await waitFresh(ended, 20_000);
    const freshAt = report.recoveryMs === null ? null : ended + report.recoveryMs;
    const answered = sim.busRequests().find((r) => r.at >= ended && r.status === 200);
    if (freshAt !== null && answered && answered.at <= freshAt) {
      report.firstAnswerMs = answered.at - ended;
      report.freshAfterAnswerMs = freshAt - answered.at;
    } else if (freshAt !== null) {
      // Every dashboard was fresh before the API's next answer: the data never stopped (no fault held it).
      report.firstAnswerMs = 0;
      report.freshAfterAnswerMs = report.recoveryMs;
    }
    const statuses = (await views()).map((v) => v.status);
    report.active = statuses.filter((s) => s === 'active').length;
    report.failed = statuses.filter((s) => s === 'failed').length;
    reports.push(report);
    console.log(
      `${name.padEnd(28)} ${String(report.busRequests).padStart(4)} /buses + ${report.tokenRequests} /token in ` +
        `${report.seconds} s (${report.seconds / INTERVAL_S} windows), bound ${bound}; active ${report.active}/${ids.length}, ` +
        `failed ${report.failed}; fresh data ${report.recoveryMs ?? '—'} ms after (API answered after ` +
        `${report.firstAnswerMs ?? '—'} ms, every dashboard fresh ${report.freshAfterAnswerMs ?? '—'} ms after that)`,
    );
  };

  const normal = S(30, 10);
  await phase('normal', normal, normal / 1000 / INTERVAL_S + 1, () => undefined);
  await phase('429 Retry-After: 20', 20_000, 2, () =>
    sim.setFaults({ rateLimitRate: 1, rateLimit: { retryAfterSeconds: 20 } }),
  );
  const fives = S(180, 45);
  await phase(`5xx`, fives, backoffBound(fives), () => sim.setFaults({ errorRate: 1 }));
  const hangs = S(60, 20);
  await phase('timeouts', hangs, backoffBound(hangs), () => sim.setFaults({ timeoutRate: 1 }));
  const tokenDown = S(60, 20);
  await phase('token endpoint down', tokenDown, 2 * backoffBound(tokenDown), () => {
    sim.setFaults({ tokenUnavailable: true });
    sim.expireTokens();
  });
  const rotation = S(20, 10);
  await phase('credentials rotated', rotation, rotation / 1000 / INTERVAL_S + 4, async () => {
    sim.acceptSecrets([OLD, NEW]);
    for (let i = 0; i < workers.length; i++) {
      workers[i].child.kill('SIGTERM');
      await workers[i].exited;
      workers[i] = await startWorker(NEW);
    }
    sim.acceptSecrets([NEW]);
    sim.expireTokens();
  });

  // Refused for good: the trackings fail with the reason, only after a minute of refusals.
  say('credentials refused for good');
  const refusedAt = Date.now();
  sim.acceptSecrets(['someone-else']);
  sim.expireTokens();
  let firstFailedMs: number | null = null;
  let lastViews: View[] = [];
  while (Date.now() - refusedAt < 120_000) {
    lastViews = await views();
    if (firstFailedMs === null && lastViews.some((v) => v.status === 'failed')) firstFailedMs = Date.now() - refusedAt;
    if (lastViews.every((v) => v.status === 'failed')) break;
    await sleep(250);
  }
  const reasons = [...new Set(lastViews.map((v) => v.stopReason))];
  console.log(
    `credentials refused for good: first tracking failed ${firstFailedMs} ms after the first refusal ` +
      `(reason ${JSON.stringify(reasons)}), ${lastViews.filter((v) => v.status === 'failed').length}/${ids.length} failed`,
  );
  const ready = (await json<Ready>('/health/ready')).details?.upstream;
  console.log(`during the 5xx: dashboard upstream ${JSON.stringify(sample.dashboard)}`);
  console.log(`during the 5xx: /health/ready upstream ${JSON.stringify(sample.ready)}`);
  console.log(`refused: /health/ready upstream ${JSON.stringify(ready)}`);

  for (const p of [web, ...workers]) p.child.kill('SIGTERM');
  await Promise.all([web, ...workers].map((p) => p.exited));
  await sim.close();
  await redis.stop();
  const withinBounds = reports.every((r) => r.busRequests <= r.bound);
  // Once the API answers again, riders have its data within one interval: nothing but the backoff delays it.
  const freshWithinInterval = reports.every(
    (r) => r.freshAfterAnswerMs !== null && r.freshAfterAnswerMs <= INTERVAL_S * 1000,
  );
  const lostBeforeRefusal = reports.reduce((n, r) => n + (ids.length - r.active), 0);
  console.log(
    JSON.stringify({
      quick: QUICK,
      intervalSeconds: INTERVAL_S,
      trackings: ids.length,
      workers: 2,
      phases: reports,
      withinBounds,
      freshWithinInterval,
      lostBeforeRefusal,
      refusedFirstFailureMs: firstFailedMs,
      refusedReason: reasons,
    }),
  );
  process.exit(withinBounds && freshWithinInterval && lostBeforeRefusal === 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
