#!/usr/bin/env node
/*
 * `npm start`: the whole system on one machine, for a new user (SPEC §4.4).
 * Builds if needed, finds Redis (REDIS_URL) or starts a private redis-server, starts the STM
 * simulator when no STM credentials are set, then the web app and one worker. Ctrl-C stops all of it.
 * `npm run dev` (--watch) does the same with rebuild-on-change.
 */
'use strict';
require('dotenv').config({ quiet: true });
const { spawn, spawnSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { existsSync, mkdirSync, readdirSync, statSync } = require('node:fs');
const path = require('node:path');
const {
  INSTALL,
  freePort,
  hasCommand,
  portInUse,
  redisAnswers,
  sleep,
  startPrivateRedis,
} = require('./local-services');

const root = path.resolve(__dirname, '..');
const watch = process.argv.includes('--watch');
const children = [];
let stopping = false;

const say = (msg) => console.log(`\x1b[1m[start]\x1b[0m ${msg}`);
const fail = (msg) => {
  console.error(`\x1b[31m[start]\x1b[0m ${msg}`);
  shutdown(1);
};

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function buildIfNeeded() {
  const main = path.join(root, 'dist', 'main.js');
  if (existsSync(main) && statSync(main).mtimeMs >= newestMtime(path.join(root, 'src'))) return;
  say('building (nest build)…');
  const result = spawnSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) fail('the build failed; see the errors above');
}

function run(name, command, args, env, color) {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = `\x1b[${color}m[${name}]\x1b[0m `;
  for (const stream of [child.stdout, child.stderr]) {
    let buffer = '';
    stream.on('data', (chunk) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop();
      for (const line of lines) process.stdout.write(prefix + line + '\n');
    });
  }
  child.on('exit', (code, signal) => {
    if (!stopping) fail(`${name} exited (${signal ?? `code ${code}`}); stopping everything`);
  });
  children.push({ name, child });
  return child;
}

async function startRedis(env) {
  const wanted = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  if (await redisAnswers(wanted)) return say(`using Redis at ${wanted.replace(/\/\/[^@]*@/, '//***@')}`);
  if (process.env.REDIS_URL) fail(`REDIS_URL is set but Redis does not answer there; start it, or unset REDIS_URL`);
  if (!hasCommand('redis-server')) {
    fail(
      'No Redis answers at 127.0.0.1:6379 and there is no redis-server to start.\n' +
        `  Install one:  ${INSTALL.redis}\n` +
        '  or point REDIS_URL at a Redis you have (redis://host:6379).',
    );
  }
  const dir = path.join(root, 'data', 'redis');
  mkdirSync(dir, { recursive: true });
  const { url, port } = await startPrivateRedis({
    dir,
    launch: (command, args) => run('redis', command, args, {}, 31),
  });
  env.REDIS_URL = url;
  say(`started a private redis-server on port ${port} (it stops with Ctrl-C)`);
}

/**
 * The queue dashboard (/admin/queues) and admin routes need ADMIN_TOKEN. Without one, this run gets
 * a fresh random token, so the person who started it can open the dashboard from the link printed
 * once the web app is up; it lasts as long as this run.
 */
function adminToken(env) {
  if (process.env.ADMIN_TOKEN) return undefined;
  env.ADMIN_TOKEN = randomBytes(24).toString('base64url');
  return env.ADMIN_TOKEN;
}

async function startSimulator(env) {
  if (process.env.STM_CLIENT_ID) return say('STM credentials set: using the real STM API');
  let port = Number(process.env.SIMULATOR_PORT) || 3001;
  if (await portInUse(port)) port = await freePort();
  env.SIMULATOR_PORT = String(port);
  run('sim', process.execPath, nodeArgs('simulator/main'), { SIMULATOR_PORT: String(port) }, 35);
  say(`no STM credentials: starting the STM simulator on port ${port}`);
}

function nodeArgs(entry) {
  return [...(watch ? ['--watch'] : []), path.join(root, 'dist', entry)];
}

function shutdown(code) {
  if (stopping) return;
  stopping = true;
  for (const { child } of [...children].reverse()) if (child.exitCode === null) child.kill('SIGTERM');
  const deadline = setTimeout(() => {
    for (const { child } of children) if (child.exitCode === null) child.kill('SIGKILL');
    process.exit(code);
  }, 10_000);
  deadline.unref();
  Promise.all(
    children.map(({ child }) => (child.exitCode === null ? new Promise((r) => child.on('exit', r)) : null)),
  ).then(() => process.exit(code));
}

async function waitForWeb(port) {
  for (let i = 0; i < 300; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/docs-json`);
      if (res.ok) return true;
    } catch {
      /* not up yet */
    }
    await sleep(200);
  }
  return false;
}

async function main() {
  process.on('SIGINT', () => shutdown(0));
  process.on('SIGTERM', () => shutdown(0));
  buildIfNeeded();
  if (watch) {
    // Plain tsc rather than `nest build --watch`, which empties dist/ first and would pull the
    // running processes' files from under them.
    const tsc = require.resolve('typescript/bin/tsc');
    run('build', process.execPath, [tsc, '-p', 'tsconfig.build.json', '--watch', '--preserveWatchOutput'], {}, 33);
  }
  const env = {};
  const generatedToken = adminToken(env);
  await startRedis(env);
  await startSimulator(env);
  const port = Number(process.env.PORT) || 3000;
  run('web', process.execPath, nodeArgs('main'), env, 36);
  run('worker', process.execPath, nodeArgs('worker'), env, 32);
  if (await waitForWeb(port)) {
    say(`ready: http://localhost:${port}/docs (Swagger UI) — try:`);
    say(
      `  curl -s -X POST localhost:${port}/api/trackings -H 'content-type: application/json' -d '{"stopId":3227,"lines":["103","109"]}'`,
    );
    say(
      generatedToken
        ? `queue dashboard (operators): http://localhost:${port}/admin/queues?token=${generatedToken} (a token for this run; set ADMIN_TOKEN to choose one)`
        : `queue dashboard (operators): http://localhost:${port}/admin/queues?token=<ADMIN_TOKEN>`,
    );
    say('Ctrl-C stops everything.');
  }
}

main().catch((error) => fail(error.stack || String(error)));
