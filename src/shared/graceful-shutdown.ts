import { INestApplicationContext, Logger } from '@nestjs/common';

/** A process asked to stop must be gone by then, even if something hangs while closing. */
export const SHUTDOWN_DEADLINE_MS = 10_000;

/**
 * SIGTERM/SIGINT close the Nest context (workers finish their running ticks, the web app its
 * requests; then Redis and the database close) and exit 0; past the deadline the process exits 1.
 * Handled here rather than by enableShutdownHooks(), which re-raises the signal after closing, so
 * supervisors would see a signal death instead of a clean exit.
 */
export function exitGracefullyOnSignals(app: INestApplicationContext, name: string): void {
  const logger = new Logger(name);
  let closing = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received: finishing current work, then exiting`);
    setTimeout(() => {
      logger.error(`Still closing after ${SHUTDOWN_DEADLINE_MS / 1000} s; exiting anyway`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    app.close().then(
      () => process.exit(0),
      (error: Error) => {
        logger.error(`Error while closing: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
