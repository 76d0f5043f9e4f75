import { Injectable } from '@nestjs/common';
import { AbstractLogger, LogLevel, LogMessage } from 'typeorm';

/**
 * TypeORM's logger for this product: counts the SQL statements the process sends (the tick
 * statistics report them per tick) and prints what the `logging` option lets through.
 */
@Injectable()
export class QueryCounter extends AbstractLogger {
  count = 0;

  logQuery(): void {
    this.count++;
  }

  protected writeLog(level: LogLevel, message: LogMessage | LogMessage[]): void {
    if (level === 'query') return;
    const print = level === 'warn' || level === 'error' ? console.warn : console.log;
    for (const m of Array.isArray(message) ? message : [message]) print(`[TypeORM] ${String(m.message)}`);
  }
}

/** One per process: the data source is created before Nest's container could inject one. */
export const queryCounter = new QueryCounter();
