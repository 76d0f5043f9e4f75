import 'reflect-metadata';
import 'dotenv/config';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { StmClient } from './buses/stm/stm.client';
import { AppConfig } from './config/app-config';
import { ConfigValidationError } from './config/environment';
import { exitGracefullyOnSignals } from './shared/graceful-shutdown';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  // Logs wait in a buffer until pino (LoggingModule, LOG_LEVEL and LOG_FORMAT from the config) takes over.
  const app = await NestFactory.createApplicationContext(WorkerModule.register(), { bufferLogs: true });
  app.useLogger(app.get(PinoLogger));
  exitGracefullyOnSignals(app, 'Worker');
  const logger = new Logger('Worker');
  logger.log(`bus-tracker worker started (pid ${process.pid})`);
  await reportUpstream(app.get(AppConfig), app.get(StmClient), logger);
}

/** Says at once where positions come from, and what to do when that source does not answer. */
async function reportUpstream(config: AppConfig, stm: StmClient, logger: Logger): Promise<void> {
  const where = config.stm.simulated
    ? `the STM simulator at ${config.stm.apiUrl}`
    : `the STM API at ${config.stm.apiUrl}`;
  try {
    await stm.checkAccess();
    logger.log(`Bus positions come from ${where}`);
  } catch (error) {
    const advice = config.stm.simulated
      ? 'start it with `npm run sim` (npm start does this for you), or set STM_CLIENT_ID and STM_CLIENT_SECRET'
      : 'check STM_CLIENT_ID, STM_CLIENT_SECRET and the network';
    logger.warn(`${where} does not answer yet (${(error as Error).message}): ${advice}. Ticks will retry.`);
  }
}

bootstrap().catch((error: Error) => {
  console.error(error instanceof ConfigValidationError ? error.message : error);
  process.exit(1);
});
