import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/**
 * TypeORM gives a process one SQLite connection, on which two concurrent transactions would nest
 * into one another (savepoints), and a statement of one could be rolled back with the other. So on
 * SQLite the worker's writes take turns; PostgreSQL has a connection per transaction and runs them
 * side by side.
 */
@Injectable()
export class DatabaseWriteLock {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly serial: boolean;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.serial = dataSource.options.type === 'better-sqlite3';
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    if (!this.serial) return work();
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
