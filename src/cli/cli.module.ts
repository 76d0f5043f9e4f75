import { DynamicModule, Module } from '@nestjs/common';
import { BusesModule } from '../buses/buses.module';
import { CatalogModule } from '../catalog/catalog.module';
import { CatalogImportModule } from '../catalog/catalog-import.module';
import { AppConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { WorkerSnapshots } from '../metrics/worker-snapshots';
import { QueueAdminModule } from '../queue/queue-admin.module';
import { QueueModule } from '../queue/queue.module';
import { TrackingCleanupModule } from '../queue/tracking-cleanup.module';
import { SharedModule } from '../shared/shared.module';
import { TrackingModule } from '../tracking/tracking.module';
import { CatalogImportGtfsCommand } from './commands/catalog-import-gtfs.command';
import { CatalogImportCommand } from './commands/catalog-import.command';
import {
  QueueCleanCommand,
  QueueFailedCommand,
  QueueRetryCommand,
  QueueStatusCommand,
} from './commands/queue.commands';
import { SimCommand } from './commands/sim.command';
import { TrackingStatusCommand } from './commands/tracking-status.command';
import { TrackingCleanupCommand, TrackingStartCommand, TrackingStopCommand } from './commands/tracking.commands';

export const COMMANDS = [
  TrackingStartCommand,
  TrackingStatusCommand,
  TrackingStopCommand,
  TrackingCleanupCommand,
  QueueStatusCommand,
  QueueFailedCommand,
  QueueRetryCommand,
  QueueCleanCommand,
  CatalogImportCommand,
  CatalogImportGtfsCommand,
  SimCommand,
];

/** What a command needs: nothing (help, sim), Redis (queue:*), or Redis and the database (the rest). */
export type CliScope = 'none' | 'queue' | 'full';

export function cliScope(argv: readonly string[]): CliScope {
  const command = argv.find((a) => !a.startsWith('-'));
  if (!command || command === 'sim' || command === 'help' || argv.includes('--help') || argv.includes('-h')) {
    return 'none';
  }
  return command.startsWith('queue:') ? 'queue' : 'full';
}

/**
 * The command line tool (`npm run cli -- <command>`, `node dist/cli`): the same feature modules as
 * the web app and the worker, without HTTP and without the tick processor. Every command is
 * registered in every scope (so help lists them all); the scope only decides which connections
 * open: help and the simulator need none, and queue:* still answers when the database is away.
 */
@Module({})
export class CliModule {
  static forScope(scope: CliScope): DynamicModule {
    const queue = [AppConfigModule.forRoot(), SharedModule, QueueModule, QueueAdminModule];
    const full = [
      ...queue,
      DatabaseModule,
      CatalogModule,
      TrackingModule,
      BusesModule,
      TrackingCleanupModule,
      CatalogImportModule,
    ];
    return {
      module: CliModule,
      imports: scope === 'none' ? [] : scope === 'queue' ? queue : full,
      providers: [...COMMANDS, ...(scope === 'none' ? [] : [WorkerSnapshots])],
    };
  }
}
