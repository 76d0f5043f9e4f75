/*
 * Compiles the sources into test-dist/ once per end-to-end run: the tests start real worker
 * processes from it. A folder of its own (not dist/) so a build for `npm start` and a test run
 * never pull files from under each other; incremental, so a run after a small change is quick.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

module.exports = async function globalSetup() {
  const root = path.resolve(__dirname, '..', '..');
  const tsc = require.resolve('typescript/bin/tsc');
  const out = path.join(root, 'test-dist');
  const args = [
    '-p',
    'tsconfig.build.json',
    '--outDir',
    out,
    '--incremental',
    '--tsBuildInfoFile',
    path.join(out, '.tsbuildinfo'),
  ];
  const result = spawnSync(process.execPath, [tsc, ...args], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`Compiling for the end-to-end tests failed:\n${result.stdout}${result.stderr}`);
};
