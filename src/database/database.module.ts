import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { buildDataSourceOptions } from './data-source';
import { runMigrations } from './migrate';
import { queryCounter, QueryCounter } from './query-counter';
import { DatabaseWriteLock } from './write-lock';

/**
 * Opens the database and migrates it before any other provider can touch it: the migration runs
 * inside the data source factory, so nothing that injects a repository starts on an old schema.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => buildDataSourceOptions(config),
      dataSourceFactory: async (options) => {
        const dataSource = await new DataSource(options!).initialize();
        await runMigrations(dataSource);
        return dataSource;
      },
    }),
  ],
  providers: [DatabaseWriteLock, { provide: QueryCounter, useValue: queryCounter }],
  exports: [DatabaseWriteLock, QueryCounter],
})
export class DatabaseModule {}
