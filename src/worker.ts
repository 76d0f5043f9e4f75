import 'reflect-metadata';
import 'dotenv/config';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigValidationError } from './config/environment';
import { logLevels } from './shared/log-levels';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.createApplicationContext(WorkerModule.register(), {
    logger: logLevels(process.env.LOG_LEVEL),
  });
  app.enableShutdownHooks();
  new Logger('Worker').log(`bus-tracker worker started (pid ${process.pid})`);
}

bootstrap().catch((error: Error) => {
  console.error(error instanceof ConfigValidationError ? error.message : error);
  process.exit(1);
});
