/*
 * Services on this machine for `npm start` (scripts/start.js) and `npm test` (scripts/test.js):
 * is Redis or PostgreSQL already answering, and if not, a private throwaway one on a free port.
 * Plain Node (no build, no dependency beyond `pg`), so it runs before anything else.
 */
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } = require('node:fs');
const net = require('node:net');
const { tmpdir } = require('node:os');
const path = require('node:path');

/** The one line that installs each binary, where one is missing. */
const INSTALL = {
  redis: 'Debian/Ubuntu: sudo apt-get install redis-server   macOS: brew install redis',
  postgres: 'Debian/Ubuntu: sudo apt-get install postgresql   macOS: brew install postgresql',
  chromium: 'Debian/Ubuntu: sudo apt-get install chromium',
  promtool: 'Debian/Ubuntu: sudo apt-get install prometheus   macOS: brew install prometheus',
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Sends PING over a raw socket: no client library needed to know whether Redis answers. */
function redisAnswers(url) {
  return new Promise((resolve) => {
    let parsed;
    try {
      parsed = new URL(url);
    } catch {
      return resolve(false);
    }
    const socket = net.connect({ host: parsed.hostname || '127.0.0.1', port: Number(parsed.port) || 6379 });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => {
      if (parsed.password) socket.write(`AUTH ${decodeURIComponent(parsed.password)}\r\n`);
      socket.write('PING\r\n');
    });
    socket.on('data', (data) => done(/\+PONG|-NOAUTH|-WRONGPASS/.test(data.toString())));
  });
}

/** Whether something accepts TCP connections there. */
function portInUse(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Starts a private redis-server on a free loopback port: nothing on disk, gone when it stops.
 * `launch(command, args)` spawns it (start.js prefixes its output; the default keeps it quiet).
 */
async function startPrivateRedis({ dir, launch = quietly }) {
  const port = await freePort();
  const child = launch('redis-server', [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
  ]);
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50 && !(await redisAnswers(url)); i++) await sleep(100);
  if (!(await redisAnswers(url))) throw new Error(`the private redis-server on port ${port} did not answer`);
  return { url, port, child };
}

/** The directory of PostgreSQL's server binaries: on the PATH (Homebrew), or Debian's newest /usr/lib/postgresql/<n>/bin. */
function postgresBinDir() {
  if (hasCommand('initdb') && hasCommand('postgres')) {
    return path.dirname(spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim());
  }
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => existsSync(path.join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(base, versions[0], 'bin') : undefined;
}

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` user the package creates. */
function postgresIdentity() {
  if (process.getuid?.() !== 0) return {};
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error(
      'running as root, PostgreSQL needs a "postgres" user to run as (the postgresql package creates one)',
    );
  }
  return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
}

/**
 * A private PostgreSQL for the tests: a fresh cluster in a temporary directory (trust auth for
 * `postgres`, fsync off: throwaway data), on a free loopback port, with the database `test`.
 * `stop()` shuts it down and removes the directory.
 */
async function startPrivatePostgres({ bin = postgresBinDir() } = {}) {
  if (!bin)
    throw new Error(`no PostgreSQL server binaries (initdb, postgres) found; install them: ${INSTALL.postgres}`);
  const identity = postgresIdentity();
  const dir = mkdtempSync(path.join(tmpdir(), 'bus-tracker-pg-'));
  if (identity.uid !== undefined) chownSync(dir, identity.uid, identity.gid);
  const as = { ...identity, cwd: dir, encoding: 'utf8' };
  const init = spawnSync(
    path.join(bin, 'initdb'),
    ['-D', path.join(dir, 'data'), '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
    as,
  );
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed:\n${init.stdout}${init.stderr}`);
  }
  const port = await freePort();
  const child = spawn(
    path.join(bin, 'postgres'),
    [
      '-D',
      path.join(dir, 'data'),
      '-p',
      String(port),
      '-h',
      '127.0.0.1',
      // The socket in the cluster's own folder: /var/run/postgresql may not be ours to write.
      '-k',
      dir,
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=200',
    ],
    // Its own process group: a Ctrl-C reaches the test runner, which then stops this in order.
    { ...identity, cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  );
  let log = '';
  child.stderr.on('data', (d) => (log += d.toString()));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const { Client } = require('pg');
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let ready = false;
  for (let i = 0; i < 100 && !ready && child.exitCode === null; i++) {
    const client = new Client({ connectionString: adminUrl });
    try {
      await client.connect();
      await client.query('CREATE DATABASE test');
      ready = true;
    } catch {
      await sleep(100);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGINT'); // fast shutdown: disconnect clients, no waiting
      await Promise.race([exited, sleep(10_000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  if (!ready) {
    await stop();
    throw new Error(`the private PostgreSQL did not start:\n${log}`);
  }
  return { url: `postgres://postgres@127.0.0.1:${port}/test`, port, stop };
}

function quietly(command, args) {
  return spawn(command, args, { stdio: 'ignore', detached: true });
}

module.exports = {
  INSTALL,
  freePort,
  hasCommand,
  portInUse,
  postgresBinDir,
  redisAnswers,
  sleep,
  startPrivatePostgres,
  startPrivateRedis,
};
