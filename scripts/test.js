#!/usr/bin/env node
/*
 * `npm test`: unit tests, then the end-to-end tier once on SQLite and once on PostgreSQL, against
 * real Redis and PostgreSQL. First, before any test runs, it checks what the tiers need and stops
 * at once naming what is missing and how to install it:
 * - Redis: TEST_REDIS_URL, else the one on 127.0.0.1:6379, else a private redis-server it starts;
 * - PostgreSQL: TEST_POSTGRES_URL, else the one on 127.0.0.1:5432, else a private cluster from the
 *   system's server binaries (initdb, postgres) it starts;
 * - Chromium (TEST_CHROMIUM, default /usr/bin/chromium) for the browser test, and promtool
 *   (TEST_PROMTOOL, default /usr/bin/promtool) for the metrics lint.
 * What it started, it stops at the end (or on Ctrl-C). Extra arguments go to every jest run
 * (e.g. `npm test -- -t tracking`).
 */
'use strict';
const { spawn } = require('node:child_process');
const { accessSync, constants, mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const {
  INSTALL,
  hasCommand,
  portInUse,
  postgresBinDir,
  redisAnswers,
  startPrivatePostgres,
  startPrivateRedis,
} = require('./local-services');

const root = path.resolve(__dirname, '..');
const jest = require.resolve('jest/bin/jest');
const extra = process.argv.slice(2);
const runs = [
  { name: 'unit', args: [] },
  {
    name: 'e2e on SQLite',
    // The blip tests run against PostgreSQL whatever TEST_DATABASE says: once, in the next run, is enough.
    // The three-minute outage runs once too, on the production database (the 18 s outage of upstream.e2e
    // and the lifecycle's outage run on both).
    args: ['--config', 'test/jest-e2e.config.js', '--runInBand', '--testPathIgnorePatterns', 'blips|long-outage'],
    env: { TEST_DATABASE: 'sqlite' },
  },
  {
    name: 'e2e on PostgreSQL',
    args: ['--config', 'test/jest-e2e.config.js', '--runInBand'],
    env: { TEST_DATABASE: 'postgres' },
  },
];

const say = (msg) => console.log(`\x1b[1m[test]\x1b[0m ${msg}`);
const cleanups = [];
let current;
let interrupted;

const executable = (file) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** What is missing, each with the line that installs it; and how each service will be had. */
async function plan() {
  const missing = [];
  const chromium = process.env.TEST_CHROMIUM || '/usr/bin/chromium';
  if (!executable(chromium)) missing.push(`Chromium (the browser test) is not at ${chromium}: ${INSTALL.chromium}`);
  const promtool = process.env.TEST_PROMTOOL || '/usr/bin/promtool';
  if (!executable(promtool)) missing.push(`promtool (the metrics lint) is not at ${promtool}: ${INSTALL.promtool}`);

  let redis = 'given';
  if (process.env.TEST_REDIS_URL) {
    if (!(await redisAnswers(process.env.TEST_REDIS_URL)))
      missing.push('TEST_REDIS_URL is set but Redis does not answer there');
  } else if (await redisAnswers('redis://127.0.0.1:6379')) {
    redis = 'local';
  } else if (hasCommand('redis-server')) {
    redis = 'private';
  } else {
    missing.push(`no Redis answers on 127.0.0.1:6379 and there is no redis-server to start: ${INSTALL.redis}`);
  }

  let postgres = 'given';
  if (!process.env.TEST_POSTGRES_URL) {
    if (await portInUse(5432)) postgres = 'local';
    else if (postgresBinDir()) postgres = 'private';
    else {
      missing.push(
        `no PostgreSQL answers on 127.0.0.1:5432 and there are no server binaries to start one (it need not run): ${INSTALL.postgres}`,
      );
    }
  }
  return { missing, redis, postgres };
}

async function startServices({ redis, postgres }) {
  const env = {};
  if (redis === 'private') {
    const dir = mkdtempSync(path.join(tmpdir(), 'bus-tracker-redis-'));
    const started = await startPrivateRedis({ dir });
    cleanups.push(async () => {
      started.child.kill('SIGTERM');
      await new Promise((r) => (started.child.exitCode === null ? started.child.on('exit', r) : r()));
      rmSync(dir, { recursive: true, force: true });
    });
    env.TEST_REDIS_URL = started.url;
    say(`no Redis on 127.0.0.1:6379: started a private redis-server on port ${started.port}`);
  }
  if (postgres === 'private') {
    const started = await startPrivatePostgres();
    cleanups.push(started.stop);
    env.TEST_POSTGRES_URL = started.url;
    say(`no PostgreSQL on 127.0.0.1:5432: started a private one on port ${started.port}`);
  }
  return env;
}

async function stopServices() {
  while (cleanups.length)
    await cleanups
      .pop()()
      .catch((e) => console.error(`[test] cleanup: ${e.message}`));
}

function runJest(run, env) {
  return new Promise((resolve) => {
    current = spawn(process.execPath, [jest, ...run.args, ...extra], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, ...env, ...run.env },
    });
    current.on('exit', (code) => resolve(code === 0));
  });
}

async function main() {
  const needs = await plan();
  if (needs.missing.length) {
    console.error('\x1b[31m[test]\x1b[0m cannot run the tests, missing:');
    for (const line of needs.missing) console.error(`  - ${line}`);
    process.exit(1);
  }
  // Ctrl-C or a kill: the running jest stops, then what was started here, in order (below).
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      interrupted = signal;
      current?.kill(signal);
    });
  }
  const env = await startServices(needs);
  const results = [];
  try {
    for (const run of runs) {
      if (interrupted) break;
      console.log(`\n=== ${run.name} ===`);
      results.push({ name: run.name, ok: await runJest(run, env) });
    }
  } finally {
    await stopServices();
  }
  if (interrupted) {
    console.error(`\n[test] stopped by ${interrupted}`);
    process.exit(130);
  }
  console.log('\n=== summary ===');
  for (const r of results) console.log(`${r.ok ? 'PASS' : 'FAIL'}  ${r.name}`);
  process.exit(results.every((r) => r.ok) ? 0 : 1);
}

main().catch(async (error) => {
  console.error(`\x1b[31m[test]\x1b[0m ${error.message}`);
  await stopServices();
  process.exit(1);
});
