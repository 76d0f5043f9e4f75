import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

// Any constant works; it only has to be the same in every process of the installation.
const MIGRATION_LOCK_ID = 4_711_2025;

/**
 * Brings the schema up to date. Web and worker processes start together (npm start, systemd,
 * compose), so two of them may migrate at once: PostgreSQL serialises them with an advisory lock;
 * SQLite serialises writers itself, and a loser that saw stale "pending" state simply retries.
 */
export async function runMigrations(dataSource: DataSource, logger = new Logger('Database')): Promise<void> {
  const isPostgres = dataSource.options.type === 'postgres';
  for (let attempt = 1; ; attempt++) {
    const lock = isPostgres ? dataSource.createQueryRunner() : undefined;
    try {
      if (lock) await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      if (applied.length) logger.log(`Applied migrations: ${applied.map((m) => m.name).join(', ')}`);
      return;
    } catch (error) {
      if (attempt >= 5) throw error;
      logger.warn(`Migration attempt ${attempt} failed (${(error as Error).message}); retrying`);
      await new Promise((r) => setTimeout(r, 200 * attempt));
    } finally {
      if (lock) {
        await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
        await lock.release();
      }
    }
  }
}
