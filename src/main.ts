import 'reflect-metadata';
import 'dotenv/config';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { AppConfig } from './config/app-config';
import { ConfigValidationError } from './config/environment';
import { configureApp } from './http/configure-app';
import { exitGracefullyOnSignals } from './shared/graceful-shutdown';

async function bootstrap(): Promise<void> {
  // Logs wait in a buffer until pino (LoggingModule, LOG_LEVEL and LOG_FORMAT from the config) takes over.
  const app = await NestFactory.create(AppModule.register(), { bufferLogs: true });
  app.useLogger(app.get(PinoLogger));
  configureApp(app);
  const config = app.get(AppConfig);
  await app.listen(config.port);
  exitGracefullyOnSignals(app, 'Web');
  new Logger('Web').log(`bus-tracker web listening on http://localhost:${config.port} (API docs at /docs)`);
}

bootstrap().catch((error: Error) => {
  // A bad configuration is the operator's to fix: say what is wrong, without a stack trace.
  console.error(error instanceof ConfigValidationError ? error.message : error);
  process.exit(1);
});
