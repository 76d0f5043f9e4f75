/*
 * `npm run bench`: what riders cost (SPEC §3.3, docs/performance.md). Starts its own simulator of the
 * whole city, a private redis-server, a fresh PostgreSQL database, one web process and the worker(s), all
 * from dist/. At the real 15 s interval it measures the same window twice in one run: with 1,000 active
 * trackings, then with T, created through the API over every simulated line and many stops. Per window:
 * active lines, line ticks per interval and their lateness, upstream requests per interval, CPU seconds
 * per interval of worker, web, PostgreSQL (our database's backends) and Redis. Then, at T: dashboards read
 * at 500/s, live viewers on one web process and the delay from a tick to their event, and RSS.
 * Prints what it does on stderr and one JSON line on stdout.
 *   --quick            1,000 then 5,000 trackings, 2 intervals each, 500 viewers (about 3 minutes)
 *   (default, full)    1,000 then 100,000 trackings, 4 intervals each, 5,000 viewers
 *   --trackings N  --intervals N (measured per step)  --viewers N  --rate R (dashboard reads/s)
 *   --reads S (seconds of dashboard reads)  --workers N  --interval S (default 15)
 *   --profile DIR      web and workers write a V8 CPU profile there when they exit (Chrome DevTools opens it)
 */
import autocannon from 'autocannon';
import { get } from 'node:http';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { loadMontevideoData } from '../../src/shared/montevideo-data';
import { freePort, Managed, sleep, startPrivateRedis, startProcess } from '../chaos/processes';
import { cpuSeconds, mergeWindows, percentiles, rssMb, TickWindow } from './measure';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  const value = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
};
const BASE = 1000;
const T = option('trackings', quick ? 5_000 : 100_000);
const INTERVALS = option('intervals', quick ? 2 : 4);
const VIEWERS = option('viewers', quick ? 500 : 5_000);
const RATE = option('rate', 500);
const READ_SECONDS = option('reads', quick ? 10 : 30);
const WORKERS = option('workers', 1);
const INTERVAL = option('interval', 15);
const STATS_SECONDS = 5;
const BATCH = 10;
const ADMIN_PG = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PROFILE = args.includes('--profile') ? args[args.indexOf('--profile') + 1] : '';
const profiled = (script: string): string[] => [
  ...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] : []),
  script,
];
const say = (msg: string): void => console.error(`[bench] ${msg}`);

interface Start {
  stopId: number;
  lines: string[];
}

/**
 * Riders over every line with known stops: variant after variant (so every line comes early), a stop along
 * it each time further on, so that the trackings spread over many stops of each line.
 */
function riders(n: number): Start[] {
  const data = loadMontevideoData();
  const known = new Set(data.stops.map((s) => s.busstopId));
  const variants = data.variants
    .map((v) => ({ line: v.line, stops: (data.variantStops[v.lineVariantId] ?? []).filter((s) => known.has(s)) }))
    .filter((v) => v.stops.length > 0);
  const out: Start[] = [];
  for (let i = 0; out.length < n; i++) {
    const v = variants[i % variants.length];
    const round = Math.floor(i / variants.length);
    out.push({ stopId: v.stops[(round * 7 + 3) % v.stops.length], lines: [v.line] });
  }
  return out;
}

/** Starts trackings through the API, `parallel` at a time; returns their ids and how long it took. */
async function create(base: string, starts: Start[], parallel = 32): Promise<{ ids: string[]; seconds: number }> {
  const began = Date.now();
  const ids: string[] = new Array<string>(starts.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < starts.length) {
      const i = next++;
      const res = await fetch(`${base}/api/trackings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(starts[i]),
      });
      if (res.status !== 202) throw new Error(`start ${JSON.stringify(starts[i])}: ${res.status} ${await res.text()}`);
      ids[i] = ((await res.json()) as { id: string }).id;
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
  return { ids, seconds: (Date.now() - began) / 1000 };
}

class Pg {
  constructor(
    private readonly client: Client,
    private readonly database: string,
  ) {}

  static async open(url: string, database: string): Promise<Pg> {
    const client = new Client({ connectionString: url });
    await client.connect();
    return new Pg(client, database);
  }

  /** Ticks the lines have completed so far: their sequence numbers, summed. */
  async ticksDone(): Promise<number> {
    const { rows } = await this.client.query<{ n: string | null }>('SELECT sum("tickSeq") AS n FROM line_polls');
    return Number(rows[0].n ?? 0);
  }

  async activeLines(): Promise<number> {
    const { rows } = await this.client.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM line_polls WHERE polling AND subscriptions > 0',
    );
    return rows[0].n;
  }

  /** The backends serving our database (this client's own excluded): PostgreSQL's share of the work. */
  async backends(): Promise<number[]> {
    const { rows } = await this.client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [this.database],
    );
    return rows.map((r) => r.pid);
  }

  async vacuumAnalyze(): Promise<void> {
    await this.client.query('VACUUM ANALYZE trackings, tracking_lines, line_polls');
  }

  close(): Promise<void> {
    return this.client.end();
  }
}

/** CPU seconds used by each group of processes between `start()` and `stop()`. */
class CpuWindow {
  private readonly before = new Map<number, number>();

  constructor(private readonly groups: Record<string, () => Promise<number[]> | number[]>) {}

  async start(): Promise<void> {
    for (const pids of await this.pids()) for (const pid of pids) this.before.set(pid, cpuSeconds(pid));
  }

  async stop(): Promise<Record<string, number>> {
    const names = Object.keys(this.groups);
    const groups = await this.pids();
    return Object.fromEntries(
      names.map((name, i) => [
        name,
        groups[i].reduce((sum, pid) => sum + Math.max(0, cpuSeconds(pid) - (this.before.get(pid) ?? 0)), 0),
      ]),
    );
  }

  private pids(): Promise<number[][]> {
    return Promise.all(Object.values(this.groups).map(async (g) => g()));
  }
}

interface Step {
  trackings: number;
  createSeconds: number;
  createdPerSecond: number;
  activeLines: number;
  lineTicksPerInterval: number;
  tickOutcomes: Record<string, number>;
  tickLatenessMs: { p50: number; p99: number; max: number };
  tickDurationMs: { p50: number; p99: number; max: number };
  upstreamRequestsPerInterval: number;
  /** Per group and in all, CPU seconds per interval. */
  cpuSecondsPerInterval: Record<string, number>;
}

/** Live viewers: SSE streams held open; the delay from each tick to its event, past each stream's first event. */
class Viewers {
  readonly delaysMs: number[] = [];
  opened = 0;
  /** Connections that failed before an answer (reset, refused by the socket backlog). */
  failed = 0;
  readonly refused: Record<string, number> = {};
  private readonly requests = new Set<ReturnType<typeof get>>();
  private measuring = false;

  constructor(private readonly base: string) {}

  open(trackingId: string): void {
    const req = get(`${this.base}/api/trackings/${trackingId}/events`, { headers: { accept: 'text/event-stream' } });
    this.requests.add(req);
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        this.refused[String(res.statusCode)] = (this.refused[String(res.statusCode)] ?? 0) + 1;
        res.resume();
        return;
      }
      this.opened += 1;
      res.setEncoding('utf8');
      let buffer = '';
      let first = true;
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!/^event: buses$/m.test(block)) continue;
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (first || !data || !this.measuring) {
            first = false;
            continue;
          }
          const at = (JSON.parse(data) as { lastSuccessAt: string | null }).lastSuccessAt;
          if (at) this.delaysMs.push(Date.now() - Date.parse(at));
        }
      });
      res.on('error', () => undefined);
    });
    req.on('error', () => {
      this.failed += 1;
    });
  }

  /** Every stream answered one way or another. */
  get settled(): number {
    return this.opened + this.failed + Object.values(this.refused).reduce((a, b) => a + b, 0);
  }

  measure(): void {
    this.measuring = true;
  }

  close(): void {
    for (const req of this.requests) req.destroy();
  }
}

async function dashboards(
  base: string,
  ids: string[],
): Promise<{ p50: number; p99: number; rps: number; non2xx: number }> {
  let n = 0;
  const result = await autocannon({
    url: base,
    connections: 32,
    overallRate: RATE,
    duration: READ_SECONDS,
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => ({ ...req, path: `/api/trackings/${ids[(n++ * 7919) % ids.length]}/buses` }),
      },
    ],
  });
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: Math.round(result.requests.average),
    non2xx: result.non2xx + result.errors,
  };
}

async function simRequests(port: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/_sim/requests`);
  return ((await res.json()) as { counts: Record<string, number> }).counts['/api/transportepublico/buses'] ?? 0;
}

/** How many interval-long polling windows (aligned on the epoch, as the polls are) [from, to] overlaps. */
function windowsTouched(from: number, to: number): number {
  const ms = INTERVAL * 1000;
  return Math.floor(to / ms) - Math.floor(from / ms) + 1;
}

const round = (n: number, digits = 2): number => Number(n.toFixed(digits));

async function main(): Promise<void> {
  const starts = riders(T);
  const redis = await startPrivateRedis();
  const database = `bt_bench_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_PG });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const dbUrl = new URL(ADMIN_PG);
  dbUrl.pathname = `/${database}`;

  const [simPort, webPort] = [await freePort(), await freePort()];
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'log',
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL: redis.url,
    SIMULATOR_PORT: String(simPort),
    PORT: String(webPort),
    TRACKING_INTERVAL_SECONDS: String(INTERVAL),
    TRACKING_IDLE_MINUTES: '600',
    TRACKING_MAX_MINUTES: '600',
    MAX_ACTIVE_TRACKINGS: '0',
    MAX_ACTIVE_TRACKINGS_PER_CLIENT: '0',
    THROTTLE_LIMIT: '0',
    LIVE_MAX_STREAMS: String(VIEWERS + 100),
    LIVE_MAX_STREAMS_PER_CLIENT: String(VIEWERS + 100),
    TICK_STATS_SECONDS: String(STATS_SECONDS),
    STM_BATCH_SIZE: String(BATCH),
  };
  const windows: TickWindow[] = [];
  const onWorkerLine = (line: string): void => {
    const m = /tick-stats (\{.*\})/.exec(
      line.includes('"msg"') ? String((JSON.parse(line) as { msg: string }).msg) : line,
    );
    if (m) windows.push(JSON.parse(m[1]) as TickWindow);
  };
  const node = process.execPath;
  const processes: Managed[] = [];
  const sim = await startProcess('sim', node, ['dist/simulator/main.js'], env, /listening/);
  // The web process's errors (level 50 and up), the first few, on stderr: a 500 must say why.
  let webErrors = 0;
  const onWebLine = (line: string): void => {
    if (!/"level":("(error|fatal)"|50|60)|\bERROR\b/.test(line) || ++webErrors > 10) return;
    say(`web: ${line.slice(0, 400)}`);
  };
  const web = await startProcess('web', node, profiled('dist/main.js'), env, /listening on/, onWebLine);
  processes.push(sim, web);
  const workers: Managed[] = [];
  for (let i = 0; i < WORKERS; i++)
    workers.push(
      await startProcess(`worker${i}`, node, profiled('dist/worker.js'), env, /worker started/, onWorkerLine),
    );
  processes.push(...workers);
  const pg = await Pg.open(dbUrl.toString(), database);
  const base = `http://127.0.0.1:${webPort}`;
  const cpu = new CpuWindow({
    worker: () => workers.map((w) => w.child.pid!),
    web: () => [web.child.pid!],
    postgres: () => pg.backends(),
    redis: () => [redis.pid],
  });

  const ids: string[] = [];
  const steps: Step[] = [];
  for (const target of [Math.min(BASE, T), T]) {
    if (ids.length >= target) continue;
    say(`starting ${target - ids.length} trackings through the API (${ids.length} active)…`);
    const made = await create(base, starts.slice(ids.length, target));
    ids.push(...made.ids);
    // What an operator does after a bulk load, so the autovacuum it triggers is not measured as the ticks' cost.
    await pg.vacuumAnalyze();
    say(`…${made.ids.length} in ${made.seconds.toFixed(1)} s; vacuumed; settling one interval`);
    await sleep(INTERVAL * 1000 + STATS_SECONDS * 1000);
    const activeLines = await pg.activeLines();
    const requestsBefore = await simRequests(simPort);
    const ticksBefore = await pg.ticksDone();
    await cpu.start();
    const from = Date.now();
    say(`measuring ${INTERVALS} intervals with ${ids.length} trackings on ${activeLines} lines…`);
    await sleep(INTERVALS * INTERVAL * 1000);
    const to = Date.now();
    const used = await cpu.stop();
    const ticksDone = (await pg.ticksDone()) - ticksBefore;
    const requests = (await simRequests(simPort)) - requestsBefore;
    await sleep(STATS_SECONDS * 1000 + 500); // the stats window that holds the last ticks
    // Timing from the workers' stats windows (each covers the STATS_SECONDS before its time); counts from the
    // database, exact.
    const ticks = mergeWindows(windows.filter((w) => w.at - STATS_SECONDS * 1000 >= from - 500 && w.at <= to + 500));
    const intervals = (to - from) / 1000 / INTERVAL;
    const perInterval = Object.fromEntries(Object.entries(used).map(([k, v]) => [k, round(v / intervals, 3)]));
    perInterval.total = round(Object.values(used).reduce((a, b) => a + b, 0) / intervals, 3);
    steps.push({
      trackings: ids.length,
      createSeconds: round(made.seconds, 1),
      createdPerSecond: Math.round(made.ids.length / made.seconds),
      activeLines,
      lineTicksPerInterval: round(ticksDone / intervals, 1),
      tickOutcomes: ticks.outcomes,
      tickLatenessMs: ticks.lateness,
      tickDurationMs: ticks.duration,
      upstreamRequestsPerInterval: round(requests / windowsTouched(from, to)),
      cpuSecondsPerInterval: perInterval,
    });
    say(JSON.stringify(steps[steps.length - 1]));
  }

  say(`dashboards: ${RATE} reads/s for ${READ_SECONDS} s over ${ids.length} trackings…`);
  const reads = await dashboards(base, ids);
  say(JSON.stringify(reads));

  say(`live: ${VIEWERS} viewers on one web process…`);
  const viewers = new Viewers(base);
  for (let i = 0; i < VIEWERS; i++) {
    viewers.open(ids[(i * 104729) % ids.length]);
    if (i % 200 === 199) await sleep(100);
  }
  // Measured once every stream is open (or refused): the opening rush is a cost of its own, said apart.
  const opening = Date.now();
  while (viewers.settled < VIEWERS && Date.now() - opening < 60_000) await sleep(250);
  const openSeconds = (Date.now() - opening) / 1000;
  await sleep(1000);
  viewers.measure();
  await sleep(2 * INTERVAL * 1000);
  const webRss = rssMb(web.child.pid!);
  viewers.close();
  const live = {
    viewers: VIEWERS,
    connected: viewers.opened,
    failed: viewers.failed,
    refused: viewers.refused,
    openSeconds: round(openSeconds, 1),
    events: viewers.delaysMs.length,
    tickToEventMs: percentiles(viewers.delaysMs),
  };
  say(JSON.stringify(live));

  const [small, large] = [steps[0], steps[steps.length - 1]];
  console.log(
    JSON.stringify({
      db: 'postgres',
      intervalSeconds: INTERVAL,
      workers: WORKERS,
      steps,
      cpuRatio: round(large.cpuSecondsPerInterval.total / Math.max(0.001, small.cpuSecondsPerInterval.total)),
      upstreamBound: Math.ceil(large.activeLines / BATCH),
      dashboard: { rate: RATE, seconds: READ_SECONDS, ...reads },
      live,
      rssMb: { worker: workers.map((w) => rssMb(w.child.pid!)), web: webRss },
    }),
  );

  await pg.close();
  for (const p of processes) p.child.kill('SIGTERM');
  await Promise.all(processes.map((p) => p.exited));
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
  await redis.stop();
}

main().catch((error: Error) => {
  console.error(`[bench] ${error.stack ?? error.message}`);
  process.exit(1);
});
