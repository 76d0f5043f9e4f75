import { ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';

const ROOT = resolve(__dirname, '..', '..');
/** Compiled by test/support/global-setup.js before the end-to-end tests run. */
const ENTRY = join(ROOT, 'test-dist', 'worker.js');

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  output: () => string;
  /** The last lines of its log other than per-tick lines, for a failing test's message. */
  tail: (lines: number) => string;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): void;
}

/** Starts `node test-dist/worker.js` as its own process and waits until it says it has started. */
export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [ENTRY], {
    cwd: ROOT,
    // At 'log' level: the start line below is what tells us the worker is up.
    env: { PATH: process.env.PATH, ...env, LOG_LEVEL: 'log' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | string>((r) => child.on('exit', (code, signal) => r(code ?? signal ?? -1)));
  const deadline = Date.now() + 20_000;
  while (!/bus-tracker worker started/.test(log)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`worker process did not start:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    pid: child.pid!,
    output: () => log,
    tail: (lines) =>
      stripVTControlCharacters(log)
        .split('\n')
        .filter((l) => !/Tick \d+ of/.test(l))
        .slice(-lines)
        .join('\n'),
    exited,
    kill: (signal = 'SIGTERM') => child.kill(signal),
  };
}
