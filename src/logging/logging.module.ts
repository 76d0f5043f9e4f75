import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';
import { createRootLogger, httpLoggingOptions, ProcessRole } from './pino-options';

/**
 * Structured logs through pino for a web or worker process (see pino-options.ts). The root
 * modules import it; main.ts and worker.ts then route Nest's Logger to it (app.useLogger), so
 * every `new Logger(Context)` in the code writes through pino, secrets scrubbed.
 */
@Module({})
export class LoggingModule {
  static forRoot(role: ProcessRole): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            pinoHttp: httpLoggingOptions(createRootLogger(config, role)),
            // Request logs are written by the HTTP app only; a worker has no HTTP server.
            forRoutes: role === 'web' ? ['{*path}'] : [],
          }),
        }),
      ],
    };
  }
}
