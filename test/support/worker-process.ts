import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';

const ROOT = resolve(__dirname, '..', '..');
const ENTRY = join(ROOT, 'dist', 'worker.js');

function newestSource(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((newest, e) => {
    const full = join(dir, e.name);
    return Math.max(
      newest,
      e.isDirectory() ? newestSource(full) : e.name.endsWith('.spec.ts') ? 0 : statSync(full).mtimeMs,
    );
  }, 0);
}

/** The compiled worker must match the sources the test reads (npm test builds first). */
export function requireFreshBuild(): void {
  if (!existsSync(ENTRY) || statSync(ENTRY).mtimeMs < newestSource(join(ROOT, 'src'))) {
    throw new Error('dist/ is missing or older than src/: run `npm run build` (npm test does it for you)');
  }
}

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

/** Starts `node dist/worker.js` as its own process and waits until it says it has started. */
export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  requireFreshBuild();
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
