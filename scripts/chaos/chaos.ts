/*
 * `npm run chaos`: SPEC §3.3's invariant under repeated faults. N trackings over many lines on a short
 * interval, two worker processes, repeated SIGKILLs of a worker (restarted each time), one Redis FLUSHALL
 * (of a private redis-server) and one PostgreSQL restart; with --starve, busy loops take every core for the
 * whole time of the faults. Then one JSON line:
 *   lost     tracked lines (with an active tracking) without a pending or running tick at the end
 *   forked   lines that were ever seen with two different pending ticks ahead of their last completed one
 *   maxGapIntervals  longest time between two ticks of a line, in intervals
 * The ledger reads only the sources of truth: pending ticks from Redis, completed ticks from the database.
 * Options: --trackings N (200) --interval S (3) --duration S (120) --kill-every S (12) --starve
 *          --pg-restart real|cut (real when pg_ctlcluster is there and we are root)
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { Client, Pool } from 'pg';
import { loadMontevideoData } from '../../src/shared/montevideo-data';
import { TcpProxy } from '../../test/support/tcp-proxy';
import { freePort, Managed, sleep, startPrivateRedis, startProcess } from './processes';
import { TickLedger } from './tick-ledger';

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const TRACKINGS = Number(option('trackings', '200'));
const INTERVAL_S = Number(option('interval', '3'));
const DURATION_S = Number(option('duration', '120'));
const KILL_EVERY_S = Number(option('kill-every', '12'));
const canRestartPg = process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v pg_ctlcluster']).status === 0;
const PG_RESTART = option('pg-restart', canRestartPg ? 'real' : 'cut');
const STARVE = args.includes('--starve');
const ADMIN_PG = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const say = (msg: string): void => console.error(`[chaos] ${msg}`);

/** Distinct (stop, line) pairs on simulated routes, spread over the city. */
function pickTrackings(n: number): { stopId: number; lines: string[] }[] {
  const data = loadMontevideoData();
  const lineOf = new Map(data.variants.map((v) => [v.lineVariantId, v.line]));
  const pairs = new Map<string, { stopId: number; lines: string[] }>();
  const entries = Object.entries(data.variantStops);
  for (let i = 0; pairs.size < n && i < n * 50; i++) {
    const [variantId, stops] = entries[(i * 7919) % entries.length];
    const stopId = stops[(i * 104729) % stops.length];
    const line = lineOf.get(Number(variantId))!;
    pairs.set(`${stopId}|${line}`, { stopId, lines: [line] });
  }
  return [...pairs.values()];
}

/** Short-lived admin connections: a long-lived one would be cut by the PostgreSQL restart. */
async function adminQuery(sql: string): Promise<void> {
  const admin = new Client({ connectionString: ADMIN_PG });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

async function restartPostgres(proxy: TcpProxy | undefined): Promise<void> {
  if (PG_RESTART === 'real') {
    const version = spawnSync('sh', ['-c', 'ls /etc/postgresql | sort -V | tail -1'], {
      encoding: 'utf8',
    }).stdout.trim();
    const r = spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart'], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`pg_ctlcluster restart failed: ${r.stderr}`);
  } else {
    // Without the rights to restart the server: what its clients see of a restart (every
    // connection dropped, new ones refused for a few seconds).
    proxy!.cut();
    await sleep(5000);
    proxy!.restore();
  }
}

/** A noisy neighbour: one busy loop per core, at the same priority as the system under test. */
function startBusyLoops(): ChildProcess[] {
  return Array.from({ length: availableParallelism() }, () =>
    spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
  );
}

async function main(): Promise<void> {
  const ledger = new TickLedger();
  const redis = await startPrivateRedis();
  const dbName = `bt_chaos_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${dbName}`);
  const dbUrl = new URL(ADMIN_PG);
  dbUrl.pathname = `/${dbName}`;
  const pgProxy =
    PG_RESTART === 'cut' ? await new TcpProxy(dbUrl.hostname, Number(dbUrl.port) || 5432).start() : undefined;
  const workerDbUrl = new URL(dbUrl.toString());
  if (pgProxy) workerDbUrl.host = `127.0.0.1:${pgProxy.port}`;

  const [simPort, webPort] = [await freePort(), await freePort()];
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'log',
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL: redis.url,
    SIMULATOR_PORT: String(simPort),
    PORT: String(webPort),
    TRACKING_INTERVAL_SECONDS: String(INTERVAL_S),
    TRACKING_IDLE_MINUTES: '60',
    MAX_ACTIVE_TRACKINGS: String(TRACKINGS * 2),
    MAX_ACTIVE_TRACKINGS_PER_CLIENT: '0',
    STM_MAX_RPS: '1000',
    // The run starts its trackings from one address, faster than a rider would: no HTTP rate limit.
    THROTTLE_LIMIT: '0',
    RECONCILE_SECONDS: String(INTERVAL_S),
    QUEUE_LOCK_SECONDS: String(INTERVAL_S),
    QUEUE_STALLED_CHECK_SECONDS: String(INTERVAL_S / 2),
  };
  const node = process.execPath;
  const processes: Managed[] = [];
  const sim = await startProcess('sim', node, ['dist/simulator/main.js'], env, /listening/);
  const web = await startProcess('web', node, ['dist/main.js'], env, /listening on/);
  processes.push(sim, web);
  const workers: (Managed | undefined)[] = [undefined, undefined];
  const startWorker = async (slot: number): Promise<void> => {
    workers[slot] = await startProcess(
      `worker${slot}`,
      node,
      ['dist/worker.js'],
      { ...env, DATABASE_URL: workerDbUrl.toString() },
      /worker started/,
    );
  };
  await Promise.all([startWorker(0), startWorker(1)]);

  say(`starting ${TRACKINGS} trackings at a ${INTERVAL_S} s interval`);
  const ids: string[] = [];
  for (const body of pickTrackings(TRACKINGS)) {
    const res = await fetch(`http://127.0.0.1:${webPort}/api/trackings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status !== 202) throw new Error(`start failed: ${res.status} ${await res.text()}`);
    ids.push(((await res.json()) as { id: string }).id);
  }

  const queueKeys = {
    wait: 'bus-tracker:tracking:wait',
    delayed: 'bus-tracker:tracking:delayed',
    paused: 'bus-tracker:tracking:paused',
    active: 'bus-tracker:tracking:active',
  };
  const probe = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  probe.on('error', () => undefined);
  // A pool: its connections come back by themselves after the PostgreSQL restart.
  const pool = new Pool({ connectionString: dbUrl.toString(), max: 2 });
  pool.on('error', () => undefined);
  const readLines = async () =>
    (
      await pool.query<{ line: string; tickSeq: number; lastRunAt: Date | null; subscriptions: number }>(
        'SELECT line, "tickSeq", "lastRunAt", subscriptions FROM line_polls WHERE subscriptions > 0',
      )
    ).rows.map((r) => ({ ...r, lastRunAt: r.lastRunAt ? r.lastRunAt.getTime() : null }));
  const pendingIds = async (withActive = false): Promise<string[]> => {
    // One MULTI so no job is counted twice while it moves from delayed to wait.
    const multi = probe
      .multi()
      .lrange(queueKeys.wait, 0, -1)
      .zrange(queueKeys.delayed, 0, -1)
      .lrange(queueKeys.paused, 0, -1);
    if (withActive) multi.lrange(queueKeys.active, 0, -1);
    const r = await multi.exec();
    return (r ?? []).flatMap(([, jobs]) => jobs as string[]);
  };
  const samplePending = async (): Promise<void> => {
    const pending = await pendingIds();
    ledger.observe(pending, await readLines(), Date.now());
  };
  const busy = STARVE ? startBusyLoops() : [];
  if (STARVE) say(`--starve: ${busy.length} busy loop(s) take every core`);

  let kills = 0;
  let flushes = 0;
  let pgRestarts = 0;
  const started = Date.now();
  const flushAt = started + (DURATION_S * 1000) / 3;
  const pgAt = started + (DURATION_S * 2000) / 3;
  let nextKill = started + KILL_EVERY_S * 1000;
  while (Date.now() - started < DURATION_S * 1000) {
    await samplePending().catch(() => undefined);
    if (Date.now() >= nextKill) {
      const slot = kills % 2;
      say(`SIGKILL worker${slot}`);
      workers[slot]?.child.kill('SIGKILL');
      await workers[slot]?.exited;
      kills++;
      await sleep(1000 + Math.random() * 1000);
      await startWorker(slot);
      nextKill = Date.now() + KILL_EVERY_S * 1000 * (0.5 + Math.random());
    }
    if (!flushes && Date.now() >= flushAt) {
      say('Redis FLUSHALL');
      await probe.flushall();
      flushes++;
    }
    if (!pgRestarts && Date.now() >= pgAt) {
      say(`PostgreSQL restart (${PG_RESTART})`);
      await restartPostgres(pgProxy);
      pgRestarts++;
    }
    await sleep(200);
  }

  for (const loop of busy) loop.kill('SIGKILL');
  say('faults over; letting chains settle for two reconcile periods');
  for (let i = 0; i < 10 * INTERVAL_S; i++) {
    await samplePending().catch(() => undefined);
    await sleep(200);
  }
  const db = new Client({ connectionString: dbUrl.toString() });
  await db.connect();
  const active = Number(
    (await db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM trackings WHERE status = 'active'`)).rows[0].n,
  );
  // Lost: a tracked line whose next tick is neither pending nor running.
  const jobsNow = new Set(await pendingIds(true));
  const lines = await readLines();
  const lost = lines.filter((l) => !jobsNow.has(`tick:${l.line}:${l.tickSeq + 1}`)).length;
  const report = ledger.report(Date.now(), INTERVAL_S);

  console.log(
    JSON.stringify({
      trackings: ids.length,
      lines: lines.length,
      intervalSeconds: INTERVAL_S,
      starved: STARVE,
      durationSeconds: DURATION_S,
      workers: 2,
      kills,
      redisFlushes: flushes,
      postgresRestarts: pgRestarts,
      postgresRestartKind: PG_RESTART,
      activeAtEnd: active,
      lost,
      forked: report.forked,
      maxGapIntervals: Number(report.maxGapIntervals.toFixed(2)),
      ticksCompleted: report.ticks,
    }),
  );

  await db.end();
  await pool.end();
  probe.disconnect();
  for (const p of [...workers, ...processes]) p?.child.kill('SIGTERM');
  await Promise.all([...workers, ...processes].map((p) => p?.exited ?? Promise.resolve()));
  await pgProxy?.close();
  await adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await redis.stop();
  process.exit(lost === 0 && report.forked === 0 && active === ids.length ? 0 : 1);
}

main().catch((error: Error) => {
  console.error(`[chaos] ${error.stack ?? error.message}`);
  process.exit(2);
});
