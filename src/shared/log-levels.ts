import { LogLevel } from '@nestjs/common';

const ORDER: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/**
 * Nest's logger takes the list of enabled levels; LOG_LEVEL names the most verbose one wanted.
 * Read before the config module exists, because the logger is created first; unknown values are
 * caught by config validation right after.
 */
export function logLevels(level = 'log'): LogLevel[] {
  const wanted = level === 'info' ? 'log' : level;
  const index = ORDER.indexOf(wanted as LogLevel);
  return ORDER.slice(0, index < 0 ? 4 : index + 1);
}
