/*
 * `npm run bench`: the product at city scale on this machine (issue: shared polling, batched
 * writes). Starts its own simulator, private redis-server, database, web process and worker
 * process(es); measures Bull's own ceiling first, in the same run; creates T trackings over real
 * stops of simulated lines; warms up; measures dashboard latency with the workers paused (idle),
 * then runs a measured window during which autocannon reads dashboards; prints one JSON line.
 *   --quick                 1,000 trackings at 1.5 s for 30 s (≈ 10,000 at 15 s), under 2 minutes
 *   (default, full)         5,000 trackings at 3.75 s for 90 s (≈ 20,000 at 15 s)
 *   --trackings N --interval S --duration S --workers N --db postgres|sqlite --connections N --rate R
 *   --concurrency N (WORKER_CONCURRENCY)   --profile DIR (CPU profile of each worker)
 */
import autocannon from 'autocannon';
import Bull from 'bull';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadMontevideoData } from '../../src/shared/montevideo-data';
import { freePort, Managed, ROOT, sleep, startPrivateRedis, startProcess } from '../chaos/processes';
import { mergeWindows, ProcessSampler, TickWindow } from './measure';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const T = Number(option('trackings', quick ? '1000' : '5000'));
const INTERVAL = Number(option('interval', quick ? '1.5' : '3.75'));
const DURATION = Number(option('duration', quick ? '30' : '90'));
const WORKERS = Number(option('workers', '1'));
const DB = option('db', 'postgres');
const CONNECTIONS = Number(option('connections', '10'));
/** Dashboard reads per second: riders refreshing, not a flood that would starve the machine's 2 cores. */
const RATE = Number(option('rate', '200'));
const CONCURRENCY = Number(option('concurrency', '256'));
/** `--profile DIR`: the workers write a V8 CPU profile there when they exit (open it in Chrome DevTools). */
const PROFILE = args.includes('--profile') ? option('profile', 'bench-profiles') : '';
const LATENCY_S = quick ? 5 : 10;
const ADMIN_PG = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const say = (msg: string): void => console.error(`[bench] ${msg}`);

function pickTrackings(n: number): { stopId: number; lines: string[] }[] {
  const data = loadMontevideoData();
  const known = new Set(data.stops.map((s) => s.busstopId));
  const pairs: { stopId: number; lines: string[] }[] = [];
  const seen = new Set<string>();
  const variants = data.variants.filter((v) => data.variantStops[v.lineVariantId]);
  for (let i = 0; pairs.length < n && i < n * 20; i++) {
    const v = variants[(i * 7919) % variants.length];
    const stops = data.variantStops[v.lineVariantId].filter((s) => known.has(s));
    const stopId = stops[(i * 104729) % stops.length];
    if (seen.has(`${stopId}|${v.line}`)) continue;
    seen.add(`${stopId}|${v.line}`);
    pairs.push({ stopId, lines: [v.line] });
  }
  return pairs;
}

async function pgQuery(url: string, sql: string): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  await c.query(sql).finally(() => c.end());
}

async function latency(
  url: string,
  ids: string[],
  seconds: number,
): Promise<{ p50: number; p99: number; rps: number }> {
  let n = 0;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    overallRate: RATE,
    duration: seconds,
    requests: [
      { method: 'GET', setupRequest: (req) => ({ ...req, path: `/api/trackings/${ids[n++ % ids.length]}/buses` }) },
    ],
  });
  return { p50: result.latency.p50, p99: result.latency.p99, rps: Math.round(result.requests.average) };
}

async function main(): Promise<void> {
  const redis = await startPrivateRedis();
  say(`Bull ceiling (no-op self-rescheduling chains, concurrency ${CONCURRENCY})…`);
  const ceilingRun = spawnSync(
    process.execPath,
    [
      require.resolve('ts-node/dist/bin'),
      '--transpile-only',
      join(__dirname, 'bull-ceiling.ts'),
      redis.url,
      String(CONCURRENCY),
      '200',
      quick ? '5' : '10',
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  const ceiling = (
    JSON.parse(ceilingRun.stdout.trim().split('\n').pop() ?? '{}') as { bullCeilingJobsPerSecond?: number }
  ).bullCeilingJobsPerSecond;

  const name = `bt_bench_${randomBytes(4).toString('hex')}`;
  let dbUrl: string;
  if (DB === 'postgres') {
    await pgQuery(ADMIN_PG, `CREATE DATABASE ${name}`);
    const u = new URL(ADMIN_PG);
    u.pathname = `/${name}`;
    dbUrl = u.toString();
  } else dbUrl = `sqlite:${join(tmpdir(), `${name}.sqlite`)}`;

  const [simPort, webPort] = [await freePort(), await freePort()];
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'log',
    DATABASE_URL: dbUrl,
    REDIS_URL: redis.url,
    SIMULATOR_PORT: String(simPort),
    PORT: String(webPort),
    TRACKING_INTERVAL_SECONDS: String(INTERVAL),
    TRACKING_IDLE_MINUTES: '60',
    MAX_ACTIVE_TRACKINGS: String(T + 100),
    STM_MAX_RPS: '1000',
    WORKER_CONCURRENCY: String(CONCURRENCY),
    TICK_STATS_SECONDS: '2',
    THROTTLE_LIMIT: '0',
  };
  const windows: TickWindow[] = [];
  const onWorkerLine = (line: string): void => {
    const m = /tick-stats (\{.*\})/.exec(
      line.includes('"msg"') ? String((JSON.parse(line) as { msg: string }).msg) : line,
    );
    if (m) windows.push(JSON.parse(m[1]) as TickWindow);
  };
  const node = process.execPath;
  const sim = await startProcess('sim', node, ['dist/simulator/main.js'], env, /listening/);
  const web = await startProcess('web', node, ['dist/main.js'], env, /listening on/);
  const workers: Managed[] = [];
  for (let i = 0; i < WORKERS; i++)
    workers.push(
      await startProcess(
        `worker${i}`,
        node,
        [...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] : []), 'dist/worker.js'],
        env,
        /worker started/,
        onWorkerLine,
      ),
    );

  say(`creating ${T} trackings (${INTERVAL} s interval)…`);
  const bodies = pickTrackings(T);
  const ids: string[] = [];
  for (let i = 0; i < bodies.length; i += 25) {
    const batch = await Promise.all(
      bodies.slice(i, i + 25).map(async (body) => {
        const res = await fetch(`http://127.0.0.1:${webPort}/api/trackings`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        if (res.status !== 202) throw new Error(`start failed: ${res.status} ${await res.text()}`);
        return ((await res.json()) as { id: string }).id;
      }),
    );
    ids.push(...batch);
  }
  const distinctLines = new Set(bodies.map((b) => b.lines[0])).size;
  say(`warming up ${quick ? 10 : 20} s…`);
  await sleep((quick ? 10 : 20) * 1000);

  const queue = new Bull('tracking', redis.url, { prefix: 'bus-tracker' });
  await queue.pause(); // global: every worker stops taking ticks
  await sleep(1000);
  say('dashboard latency, workers idle…');
  const idle = await latency(`http://127.0.0.1:${webPort}`, ids, LATENCY_S);
  await queue.resume();
  await sleep(3 * INTERVAL * 1000 + 2000); // catch up on the ticks the pause delayed

  say(`measured window: ${DURATION} s, dashboards read under load…`);
  const requestsBefore = await simRequests(simPort);
  const from = Date.now();
  const sampler = new ProcessSampler(workers.map((w) => w.child.pid!));
  sampler.start();
  const loaded = await latency(`http://127.0.0.1:${webPort}`, ids, DURATION);
  const to = Date.now();
  // Counted over the measured window itself, not the wait for the last stats window that follows.
  const requestsAfter = await simRequests(simPort);
  sampler.stop();
  await sleep(2500); // the last stats window
  const ticks = mergeWindows(windows.filter((w) => w.at > from + 2000 && w.at <= to + 2000));
  const seconds = (to - from) / 1000;

  console.log(
    JSON.stringify({
      db: DB,
      trackings: ids.length,
      intervalSeconds: INTERVAL,
      equivalentTrackingsAt15s: Math.round((ids.length * 15) / INTERVAL),
      workers: WORKERS,
      workerConcurrency: CONCURRENCY,
      measuredSeconds: Math.round(seconds),
      ticksExpected: Math.round((ids.length * seconds) / INTERVAL),
      ticksDone: ticks.count,
      tickOutcomes: ticks.outcomes,
      tickLatenessMs: ticks.lateness,
      tickDurationMs: ticks.duration,
      // Per polling window (interval-long, aligned on the epoch, as the snapshots are): the measured
      // stretch touches every window it overlaps, the partial ones at either end included.
      upstreamRequestsPerInterval: Number(((requestsAfter - requestsBefore) / windowsTouched(from, to)).toFixed(2)),
      distinctLines,
      dbStatementsPerTick: ticks.count ? Number((ticks.dbStatements / ticks.count).toFixed(2)) : null,
      workerRssMb: sampler.rssMb(),
      workerCpuPercent: sampler.cpuPercent(),
      webLatencyIdleMs: idle,
      webLatencyUnderLoadMs: loaded,
      webP99Ratio: Number((loaded.p99 / Math.max(1, idle.p99)).toFixed(2)),
      bullCeilingJobsPerSecond: ceiling,
      ticksPerSecondDone: Math.round(ticks.count / seconds),
    }),
  );

  await queue.close();
  for (const p of [...workers, web, sim]) p.child.kill('SIGTERM');
  await Promise.all([...workers, web, sim].map((p) => p.exited));
  if (DB === 'postgres') await pgQuery(ADMIN_PG, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  else for (const s of ['', '-wal', '-shm']) rmSync(dbUrl.slice('sqlite:'.length) + s, { force: true });
  await redis.stop();
}

/** How many interval-long polling windows (aligned on the epoch) the stretch [from, to] overlaps. */
function windowsTouched(from: number, to: number): number {
  const intervalMs = INTERVAL * 1000;
  return Math.floor(to / intervalMs) - Math.floor(from / intervalMs) + 1;
}

async function simRequests(port: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/_sim/requests`);
  return ((await res.json()) as { counts: Record<string, number> }).counts['/api/transportepublico/buses'] ?? 0;
}

main().catch((error: Error) => {
  console.error(`[bench] ${error.stack ?? error.message}`);
  process.exit(1);
});
