import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';

export const ROOT = resolve(__dirname, '..', '..');

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
    server.on('error', reject);
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Every child still running. Whatever way this script ends (an uncaught error included), it takes them
 * with it: a benchmark or chaos run that crashed must not leave workers polling and a redis-server holding
 * a port.
 */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface Managed {
  name: string;
  child: ChildProcess;
  exited: Promise<void>;
}

/** Starts a process, passes each output line to onLine, resolves once `ready` matches a line. */
export async function startProcess(
  name: string,
  command: string,
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  onLine: (line: string) => void = () => undefined,
): Promise<Managed> {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<void>((r) =>
    child.on('exit', () => {
      running.delete(child);
      r();
    }),
  );
  let seenReady = false;
  let log = '';
  const readyPromise = new Promise<void>((resolveReady, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer): void => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const raw of lines) {
        const line = stripVTControlCharacters(raw);
        if (!seenReady) log += line + '\n';
        onLine(line);
        if (!seenReady && ready.test(line)) {
          seenReady = true;
          resolveReady();
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      if (!seenReady) reject(new Error(`${name} exited (${code}) before it was ready:\n${log}`));
    });
    setTimeout(() => !seenReady && reject(new Error(`${name} not ready after 30 s:\n${log}`)), 30_000).unref();
  });
  await readyPromise;
  return { name, child, exited };
}

/** A throwaway redis-server of our own, so that FLUSHALL hurts nobody else. */
export async function startPrivateRedis(): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  if (spawnSync('sh', ['-c', 'command -v redis-server']).status !== 0) {
    throw new Error('redis-server is needed for the chaos run (apt-get install redis-server)');
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'bt-chaos-redis-'));
  const redis = await startProcess(
    'redis',
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    {},
    /Ready to accept connections/,
  );
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: redis.child.pid!,
    stop: async () => {
      redis.child.kill('SIGTERM');
      await redis.exited;
    },
  };
}
