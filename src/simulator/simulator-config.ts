import { montevideoMidnight } from '../shared/montevideo-time';
import { parseInstant } from './arrivals-route';
import type { FaultsPatch } from './faults';

/** Settings of the standalone simulator, read from the environment once at start. */
export interface SimulatorConfig {
  port: number;
  host: string;
  seed: number;
  timeScale: number;
  /** The moment of the city's service shown at start (epoch ms); absent: the clock's own. */
  serviceAt?: number;
  clientId?: string;
  clientSecret?: string;
  /** Faults injected from the start (only those set); change them later through `/_sim/faults`. */
  faults: FaultsPatch;
}

export class SimulatorConfigError extends Error {}

type Env = Record<string, string | undefined>;

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const text = read(env, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new SimulatorConfigError(`${name} must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

function positive(env: Env, name: string, fallback: number): number {
  const text = read(env, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    throw new SimulatorConfigError(`${name} must be a positive number (1 = real time), got "${text}"`);
  }
  return value;
}

function rate(env: Env, name: string): number {
  const text = read(env, name);
  if (text === undefined) return 0;
  const value = Number(text);
  if (!/^(\d+\.?\d*|\.\d+)$/.test(text) || value > 1) {
    throw new SimulatorConfigError(`${name} must be a fraction from 0 to 1, got "${text}"`);
  }
  return value;
}

/**
 * SIMULATOR_SERVICE_AT: an instant with an offset (`2026-06-10T08:00:00-03:00`), or a local time of day
 * (`08:00`: today in Montevideo at that hour), whose service the simulator shows from its start on.
 */
function serviceAt(env: Env, now: number): number | undefined {
  const text = read(env, 'SIMULATOR_SERVICE_AT');
  if (text === undefined) return undefined;
  const clock = /^(\d{1,2}):(\d{2})$/.exec(text);
  const value = clock
    ? Number(clock[1]) < 24 && Number(clock[2]) < 60
      ? montevideoMidnight(now) + (Number(clock[1]) * 60 + Number(clock[2])) * 60_000
      : NaN
    : parseInstant(text);
  if (!Number.isFinite(value)) {
    throw new SimulatorConfigError(
      `SIMULATOR_SERVICE_AT must be a time of day (08:30) or an instant with an offset (2026-06-10T08:30:00-03:00), got "${text}"`,
    );
  }
  return value;
}

/** Only the faults that are on, so the config reads `{}` in the usual case. */
function faults(env: Env): FaultsPatch {
  const patch: FaultsPatch = {
    errorRate: rate(env, 'SIMULATOR_ERROR_RATE'),
    timeoutRate: rate(env, 'SIMULATOR_TIMEOUT_RATE'),
    latencyMs: integer(env, 'SIMULATOR_LATENCY_MS', 0, 0, 600_000),
    malformedRate: rate(env, 'SIMULATOR_MALFORMED_RATE'),
  };
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== 0));
}

/** Throws SimulatorConfigError naming the first bad variable. */
export function readSimulatorConfig(env: Env, now = Date.now()): SimulatorConfig {
  const clientId = read(env, 'SIMULATOR_CLIENT_ID');
  const clientSecret = read(env, 'SIMULATOR_CLIENT_SECRET');
  // One without the other would silently accept any secret, or none would ever match.
  if ((clientId === undefined) !== (clientSecret === undefined)) {
    const missing = clientId === undefined ? 'SIMULATOR_CLIENT_ID' : 'SIMULATOR_CLIENT_SECRET';
    throw new SimulatorConfigError(`${missing} must be set together with the other client credential`);
  }
  return {
    port: integer(env, 'SIMULATOR_PORT', 3001, 0, 65535),
    host: read(env, 'SIMULATOR_HOST') ?? '127.0.0.1',
    seed: integer(env, 'SIMULATOR_SEED', 1, -(2 ** 31), 2 ** 32 - 1),
    timeScale: positive(env, 'SIMULATOR_TIME_SCALE', 1),
    serviceAt: serviceAt(env, now),
    clientId,
    clientSecret,
    faults: faults(env),
  };
}
