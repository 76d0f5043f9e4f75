import 'reflect-metadata';
import 'dotenv/config';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { AppConfig } from './config/app-config';
import { ConfigValidationError } from './config/environment';
import { configureApp } from './http/configure-app';
import { exitGracefullyOnSignals } from './shared/graceful-shutdown';
import { logLevels } from './shared/log-levels';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule.register(), { logger: logLevels(process.env.LOG_LEVEL) });
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
