import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig, loadConfig } from './app-config';

/**
 * Provides the validated AppConfig everywhere. The root modules pass the environment in, so each
 * Nest context (web, worker, a test) validates its own at creation time, not at import time.
 */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(env?: Record<string, string | undefined>, role: AppConfig['role'] = 'cli'): DynamicModule {
    return {
      module: AppConfigModule,
      providers: [{ provide: AppConfig, useFactory: () => Object.assign(loadConfig(env ?? process.env), { role }) }],
      exports: [AppConfig],
    };
  }
}
