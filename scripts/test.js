#!/usr/bin/env node
/*
 * `npm test`: unit tests, then the end-to-end tier once on SQLite and once on PostgreSQL, against
 * real Redis (TEST_REDIS_URL, default redis://127.0.0.1:6379) and PostgreSQL (TEST_POSTGRES_URL,
 * default postgres://postgres@127.0.0.1:5432/test). A missing service fails the run.
 * Extra arguments go to every jest run (e.g. `npm test -- -t tracking`).
 */
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const jest = require.resolve('jest/bin/jest');
const extra = process.argv.slice(2);
const runs = [
  { name: 'unit', args: [] },
  {
    name: 'e2e on SQLite',
    // The blip tests run against PostgreSQL whatever TEST_DATABASE says: once, in the next run, is enough.
    args: ['--config', 'test/jest-e2e.config.js', '--runInBand', '--testPathIgnorePatterns', 'blips'],
    env: { TEST_DATABASE: 'sqlite' },
  },
  {
    name: 'e2e on PostgreSQL',
    args: ['--config', 'test/jest-e2e.config.js', '--runInBand'],
    env: { TEST_DATABASE: 'postgres' },
  },
];

const results = [];
for (const run of runs) {
  console.log(`\n=== ${run.name} ===`);
  const { status } = spawnSync(process.execPath, [jest, ...run.args, ...extra], {
    cwd: path.resolve(__dirname, '..'),
    stdio: 'inherit',
    env: { ...process.env, ...run.env },
  });
  results.push({ name: run.name, ok: status === 0 });
}
console.log('\n=== summary ===');
for (const r of results) console.log(`${r.ok ? 'PASS' : 'FAIL'}  ${r.name}`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
