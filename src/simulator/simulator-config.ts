/** Settings of the standalone simulator, read from the environment once at start. */
export interface SimulatorConfig {
  port: number;
  host: string;
  seed: number;
  timeScale: number;
  clientId?: string;
  clientSecret?: string;
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

/** Throws SimulatorConfigError naming the first bad variable. */
export function readSimulatorConfig(env: Env): SimulatorConfig {
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
    clientId,
    clientSecret,
  };
}
