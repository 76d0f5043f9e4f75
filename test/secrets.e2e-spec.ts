import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { startSimulatorServer, RunningSimulator } from '../src/simulator/simulator-server';
import { clearQueuePrefix, createTestDatabase, requireRedis, TEST_REDIS_URL, TestDatabase } from './support/services';
import { eventually } from './support/system';

/**
 * No secret in logs or answers when the STM client fails (issue 4): the web app and a worker run as
 * processes with production logging at the most verbose level, the STM API refuses our credentials,
 * an operator uses the admin token (header and queue UI), and everything they print or answer is
 * searched for the secrets in every spelling that could leak.
 */
const CLIENT_ID = 'secret-test-client';
const SECRET = 'S3cret/never+log-me=4711';
const ADMIN = 'admin-token-never-log-me-0815';
const FORBIDDEN = [
  SECRET,
  encodeURIComponent(SECRET),
  Buffer.from(`${CLIENT_ID}:${SECRET}`).toString('base64'),
  ADMIN,
  Buffer.from(ADMIN).toString('base64'),
];

interface Proc {
  child: ChildProcess;
  stdout: () => string;
  all: () => string;
  exited: Promise<number | string>;
}

async function startProcess(entry: string, env: Record<string, string>, ready: RegExp): Promise<Proc> {
  const child = spawn(process.execPath, [resolve(__dirname, '..', 'test-dist', entry)], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | string>((r) => child.on('exit', (code, signal) => r(code ?? signal ?? -1)));
  await eventually(() => Promise.resolve(ready.test(stdout) || child.exitCode !== null), `${entry} to start`, 20_000);
  if (child.exitCode !== null) throw new Error(`${entry} exited:\n${stdout}\n${stderr}`);
  return { child, stdout: () => stdout, all: () => stdout + stderr, exited };
}

function freePort(): Promise<number> {
  return new Promise((r) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => r(port));
    });
  });
}

describe('secrets stay secret when the STM client fails', () => {
  let db: TestDatabase;
  let sim: RunningSimulator;
  let web: Proc;
  let worker: Proc;
  let base: string;
  const prefix = `bt-test-${randomBytes(4).toString('hex')}`;
  /** Every answer the test received, headers included. */
  const answers: string[] = [];

  const call = async (path: string, init: RequestInit = {}): Promise<Response> => {
    const res = await fetch(base + path, { redirect: 'manual', ...init });
    const body = await res.text();
    // What came back (not what we sent: the queue UI login carries the token in its address).
    answers.push(`${res.status} ${JSON.stringify([...res.headers])}\n${body}`);
    return new Response(body, { status: res.status, headers: res.headers });
  };

  beforeAll(async () => {
    await requireRedis();
    db = await createTestDatabase();
    // The simulator wants other credentials: every token request is refused (HTTP 401).
    sim = await startSimulatorServer({
      port: 0,
      seed: 7,
      timeScale: 30,
      clientId: CLIENT_ID,
      clientSecret: 'the-right-one-0000',
    });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'verbose',
      PORT: String(port),
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      STM_API_URL: sim.apiUrl,
      STM_TOKEN_URL: sim.tokenUrl,
      STM_CLIENT_ID: CLIENT_ID,
      STM_CLIENT_SECRET: SECRET,
      ADMIN_TOKEN: ADMIN,
      TRACKING_INTERVAL_SECONDS: '0.25',
      METRICS_PUSH_SECONDS: '0.3',
      STM_CREDENTIALS_REFUSED_SECONDS: '1',
    };
    web = await startProcess('main.js', env, /listening on/);
    worker = await startProcess('worker.js', env, /bus-tracker worker started/);
  });
  afterAll(async () => {
    for (const p of [worker, web]) {
      if (p?.child.exitCode === null) {
        p.child.kill('SIGKILL');
        await p.exited;
      }
    }
    await sim?.close();
    await clearQueuePrefix(prefix);
    await db?.drop();
  });

  it('never prints or answers the STM client secret or the admin token', async () => {
    const started = await call('/api/trackings', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ stopId: 3227, lines: ['103'] }),
    });
    expect(started.status).toBe(202);
    const { id } = (await started.json()) as { id: string };
    const refused = await eventually(async () => {
      const t = (await (await call(`/api/trackings/${id}`)).json()) as { status: string; lastError: string | null };
      return t.lastError ? t : undefined;
    }, 'a poll refused for the credentials');
    expect(refused).toMatchObject({
      status: 'active',
      lastError: 'STM token endpoint rejected the client credentials (HTTP 401)',
    });
    const failed = await eventually(async () => {
      const t = (await (await call(`/api/trackings/${id}`)).json()) as { status: string; stopReason: string };
      return t.status === 'failed' ? t : undefined;
    }, 'the tracking to fail on the refused credentials');
    expect(failed.stopReason).toBe('STM credentials refused');

    // What an operator looks at, with the admin token in a header and in the queue UI's address.
    const jobId = 'tick:103:1';
    const jobs = (await (await call('/api/queue/jobs?state=completed')).json()) as { id: string }[];
    expect(jobs.map((j) => j.id)).toContain(jobId);
    await call(`/api/trackings/${id}/buses`);
    await call('/api/queue');
    const retry = await call(`/api/queue/jobs/${encodeURIComponent(jobId)}/retry`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(retry.status).toBe(409); // the token was taken; a completed tick is not one to retry
    await call('/api/queue/pause', { method: 'POST', headers: { authorization: `Bearer ${ADMIN}x` } });
    const login = await call(`/admin/queues?token=${encodeURIComponent(ADMIN)}`);
    expect(login.status).toBe(303);
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    const board = await call('/admin/queues/api/queues?activeQueue=tracking&status=failed&page=1&jobsPerPage=10', {
      headers: { cookie },
    });
    expect(board.status).toBe(200);
    await call('/health/ready');
    await call('/metrics');
    await call('/docs-json');

    // The logs did capture the failure and the admin calls, so searching them means something.
    await eventually(
      () => Promise.resolve(/rejected the client credentials/.test(worker.all())),
      'the worker to log the failure',
    );
    await eventually(
      () => Promise.resolve(/\/admin\/queues\?token=\[redacted\] 303/.test(web.all())),
      'the web app to log the UI login',
    );
    expect(web.all()).toMatch(/POST \/api\/queue\/jobs\/tick%3A103%3A1\/retry 409/);
    await eventually(
      async () =>
        /bus_tracker_upstream_requests_total\{endpoint="token",outcome="unauthorized"/.test(
          await (await call('/metrics')).text(),
        ),
      'the refused token requests to be counted',
    );

    web.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
    expect(await web.exited).toBe(0);
    expect(await worker.exited).toBe(0);

    // Production logs are JSON lines.
    for (const line of worker.stdout().split('\n').filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
    expect(worker.stdout()).toContain('"level":"warn"');

    const places = { 'web log': web.all(), 'worker log': worker.all(), answers: answers.join('\n') };
    for (const [where, text] of Object.entries(places)) {
      for (const secret of FORBIDDEN) expect({ where, leaks: text.includes(secret) }).toEqual({ where, leaks: false });
    }
    expect(answers.length).toBeGreaterThan(12);
  });
});
