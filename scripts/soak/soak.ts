/*
 * `npm run soak`: long-lived live viewers against the real processes. Starts a private redis-server,
 * the simulator, the web app and a worker (from dist/), starts T trackings on busy stops of simulated
 * lines, opens V live streams spread over them, and samples the web process's memory (RSS from /proc,
 * V8 heap from its /metrics) while they run. Prints a table, then one JSON line.
 *   --viewers 30 --trackings 30 --interval 0.5 (s between ticks) --duration 180 (s) --warmup 30 (s)
 *   --sample 5 (s) --db sqlite|postgres --base-port P (web on P, simulator on P+1; default: free ports)
 *   --web-log FILE (every line the web process writes)
 * The figure to read: the live heap's growth per minute after warm-up (each sample follows a full
 * collection the soak asks the web process for, see collect-on-signal.js), near zero when memory is
 * flat.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadMontevideoData } from '../../src/shared/montevideo-data';
import { freePort, sleep, startPrivateRedis, startProcess } from '../chaos/processes';
import { Viewers } from './viewers';

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const VIEWERS = Number(option('viewers', '30'));
const TRACKINGS = Number(option('trackings', String(VIEWERS)));
const INTERVAL = Number(option('interval', '0.5'));
const DURATION = Number(option('duration', '180'));
const WARMUP = Number(option('warmup', '30'));
const SAMPLE = Number(option('sample', '5'));
const DB = option('db', 'sqlite');
const BASE_PORT = Number(option('base-port', '0'));
const WEB_LOG = option('web-log', '');
const ADMIN_PG = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const say = (msg: string): void => console.error(`[soak] ${msg}`);
const mb = (bytes: number): number => Math.round((bytes / 1048576) * 10) / 10;

/** Stops well inside the routes of distinct simulated variants: buses come to them all the time. */
function busyTrackings(n: number): { stopId: number; lines: string[] }[] {
  const data = loadMontevideoData();
  const known = new Set(data.stops.map((s) => s.busstopId));
  const picked = new Map<string, { stopId: number; lines: string[] }>();
  for (const v of data.variants) {
    const stops = (data.variantStops[v.lineVariantId] ?? []).filter((s) => known.has(s));
    if (stops.length < 10 || picked.has(v.line)) continue;
    picked.set(v.line, { stopId: stops[Math.floor(stops.length * 0.6)], lines: [v.line] });
    if (picked.size === n) break;
  }
  return [...picked.values()];
}

interface Sample {
  at: number;
  rssMb: number;
  heapMb: number;
  events: number;
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

async function heapOf(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  return Number(/^nodejs_heap_size_used_bytes (\S+)$/m.exec(text)?.[1] ?? NaN);
}

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return den ? num / den : 0;
}

async function pgQuery(sql: string): Promise<void> {
  const c = new Client({ connectionString: ADMIN_PG });
  await c.connect();
  await c.query(sql).finally(() => c.end());
}

async function main(): Promise<void> {
  const redis = await startPrivateRedis();
  const name = `bt_soak_${randomBytes(4).toString('hex')}`;
  let dbUrl = `sqlite:${join(tmpdir(), `${name}.sqlite`)}`;
  if (DB === 'postgres') {
    await pgQuery(`CREATE DATABASE ${name}`);
    const u = new URL(ADMIN_PG);
    u.pathname = `/${name}`;
    dbUrl = u.toString();
  }
  const [webPort, simPort] = BASE_PORT ? [BASE_PORT, BASE_PORT + 1] : [await freePort(), await freePort()];
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'log',
    DATABASE_URL: dbUrl,
    REDIS_URL: redis.url,
    SIMULATOR_PORT: String(simPort),
    PORT: String(webPort),
    TRACKING_INTERVAL_SECONDS: String(INTERVAL),
    // The soak outlasts a real rider's patience: nothing may end its trackings early.
    TRACKING_IDLE_MINUTES: '600',
    TRACKING_MAX_MINUTES: '6000',
    THROTTLE_LIMIT: '0',
    // Every viewer comes from this machine's address.
    LIVE_MAX_STREAMS_PER_CLIENT: String(VIEWERS + 10),
  };
  const node = process.execPath;
  const sim = await startProcess('sim', node, ['dist/simulator/main.js'], env, /listening/);
  // The web process's warnings and errors (a viewer dropped, a read that failed) are part of the result.
  const webWarnings: string[] = [];
  const gcPreload = join(__dirname, 'collect-on-signal.js');
  const webArgs = ['--expose-gc', '--require', gcPreload, 'dist/main.js'];
  const web = await startProcess('web', node, webArgs, env, /listening on/, (line) => {
    if (/"level":("(warn|error|fatal)"|[456]0)/.test(line)) webWarnings.push(line);
    if (WEB_LOG) appendFileSync(WEB_LOG, line + '\n');
  });
  const worker = await startProcess('worker', node, ['dist/worker.js'], env, /worker started/);
  const baseUrl = `http://127.0.0.1:${webPort}`;

  const ids: string[] = [];
  for (const body of busyTrackings(TRACKINGS)) {
    const res = await fetch(`${baseUrl}/api/trackings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status !== 202) throw new Error(`start failed: ${res.status} ${await res.text()}`);
    ids.push(((await res.json()) as { id: string }).id);
  }
  say(`${ids.length} trackings at ${INTERVAL} s, ${VIEWERS} viewers, ${DURATION} s (warm-up ${WARMUP} s), ${DB}`);
  const viewers = new Viewers(baseUrl);
  for (let i = 0; i < VIEWERS; i++) viewers.open(ids[i % ids.length]);

  const started = Date.now();
  const samples: Sample[] = [];
  while (Date.now() - started < DURATION * 1000) {
    await sleep(SAMPLE * 1000 - 50);
    web.child.kill('SIGUSR2');
    await sleep(50);
    const sample = {
      at: (Date.now() - started) / 1000,
      rssMb: mb(rssOf(web.child.pid!)),
      heapMb: mb(await heapOf(baseUrl)),
      events: viewers.events,
    };
    samples.push(sample);
    say(
      `t=${Math.round(sample.at)} s  rss ${sample.rssMb} MB  heap ${sample.heapMb} MB  events ${sample.events}  open ${viewers.connections}`,
    );
  }
  viewers.close();

  // The lowest heap of each 30 s window after warm-up (each sample is taken after a full collection).
  const windowS = 30;
  const after = samples.filter((s) => s.at > WARMUP);
  const windows = new Map<number, Sample[]>();
  for (const s of after)
    windows.set(Math.floor((s.at - WARMUP) / windowS), [
      ...(windows.get(Math.floor((s.at - WARMUP) / windowS)) ?? []),
      s,
    ]);
  // A window holds all its samples, or it is left out: the last, partial one would be one sample's luck.
  const full = [...windows].filter(([, ss]) => ss.length >= Math.floor(windowS / SAMPLE));
  const floors = full.map(([w, ss]) => ({
    fromS: WARMUP + w * windowS,
    heapMinMb: Math.min(...ss.map((s) => s.heapMb)),
    rssMaxMb: Math.max(...ss.map((s) => s.rssMb)),
  }));
  for (const line of webWarnings.slice(0, 5)) say(`web: ${line.slice(0, 300)}`);
  for (const f of floors) say(`window from ${f.fromS} s: heap floor ${f.heapMinMb} MB, rss max ${f.rssMaxMb} MB`);
  const perMinute = (points: [number, number][]): number => Number((slope(points) * 60).toFixed(2));
  const seconds = (Date.now() - started) / 1000;

  console.log(
    JSON.stringify({
      db: DB,
      viewers: VIEWERS,
      trackings: ids.length,
      intervalSeconds: INTERVAL,
      durationSeconds: Math.round(seconds),
      warmupSeconds: WARMUP,
      eventsReceived: viewers.events,
      eventsPerSecond: Math.round(viewers.events / seconds),
      megabytesReceived: mb(viewers.bytes),
      reconnects: viewers.reconnects,
      streamEndings: viewers.endings,
      streamErrors: viewers.errors,
      refused: viewers.refused,
      webWarnings: webWarnings.length,
      webRssMb: {
        afterWarmup: after[0]?.rssMb,
        max: Math.max(...after.map((s) => s.rssMb)),
        end: after[after.length - 1]?.rssMb,
      },
      webHeapMb: {
        afterWarmup: after[0]?.heapMb,
        max: Math.max(...after.map((s) => s.heapMb)),
        end: after[after.length - 1]?.heapMb,
      },
      webHeapFloorMb: floors.map((f) => f.heapMinMb),
      heapGrowthMbPerMinute: perMinute(after.map((s) => [s.at, s.heapMb])),
      rssGrowthMbPerMinute: perMinute(after.map((s) => [s.at, s.rssMb])),
    }),
  );

  for (const p of [worker, web, sim]) p.child.kill('SIGTERM');
  await Promise.all([worker, web, sim].map((p) => p.exited));
  if (DB === 'postgres') await pgQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  else for (const s of ['', '-wal', '-shm']) rmSync(dbUrl.slice('sqlite:'.length) + s, { force: true });
  await redis.stop();
}

main().catch((error: Error) => {
  console.error(`[soak] ${error.stack ?? error.message}`);
  process.exit(1);
});
