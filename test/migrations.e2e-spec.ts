import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ENTITIES, MIGRATIONS } from '../src/database/data-source';
import { createTestDatabase, TestDatabase } from './support/services';

/**
 * The schema's history, applied and undone on the real database (TEST_DATABASE): an installation upgraded with
 * active trackings keeps them, each subscribed to its lines with a chain to start; and every migration undoes
 * cleanly back to an empty database.
 */
describe('migrations', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = db.url.startsWith('sqlite:')
      ? new DataSource({
          type: 'better-sqlite3',
          database: db.url.slice('sqlite:'.length),
          entities: ENTITIES,
          migrations: MIGRATIONS,
        })
      : new DataSource({ type: 'postgres', url: db.url, entities: ENTITIES, migrations: MIGRATIONS });
    await ds.initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const isPostgres = (): boolean => ds.options.type === 'postgres';

  it('carries the active trackings of a per-tracking installation over to line chains', async () => {
    // The schema before the work per line: every migration up to it.
    const before = MIGRATIONS.findIndex((m) => m.name === 'WorkPerLine1764600000000');
    await ds.runMigrations();
    for (let i = MIGRATIONS.length - 1; i >= before; i--) await ds.undoLastMigration();
    const now = isPostgres() ? 'now()' : "datetime('now')";
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const rows: [string, string, string][] = [
      [ids[0], '103,109', 'active'],
      [ids[1], '109', 'active'],
      [ids[2], '110', 'stopped'],
    ];
    for (const [id, lines, status] of rows) {
      await ds.query(
        `INSERT INTO "trackings" ("id", "stopId", "lines", "variantIds", "activeKey", "status", "startedAt", ` +
          `"nextTickAt", "lastBusSeenAt") VALUES ('${id}', 3227, '${lines}', '[]', ${status === 'active' ? `'${id}'` : 'NULL'}, ` +
          `'${status}', ${now}, ${now}, ${now})`,
      );
    }
    await ds.runMigrations();
    const subscriptions = await ds.query<{ trackingId: string; line: string }[]>(
      `SELECT "trackingId", "line" FROM "tracking_lines" ORDER BY "line", "trackingId"`,
    );
    expect(subscriptions.map((s) => `${s.line}:${s.trackingId}`)).toEqual([
      `103:${ids[0]}`,
      ...[ids[0], ids[1]].sort().map((id) => `109:${id}`),
    ]);
    const polls = await ds.query<{ line: string; subscriptions: number; polling: boolean | number }[]>(
      `SELECT "line", "subscriptions", "polling" FROM "line_polls" ORDER BY "line"`,
    );
    expect(polls.map((p) => [p.line, Number(p.subscriptions), Boolean(p.polling)])).toEqual([
      ['103', 1, true],
      ['109', 2, true],
    ]);
  });

  it('undoes every migration, back to an empty database, and applies them all again', async () => {
    for (let i = 0; i < MIGRATIONS.length; i++) await ds.undoLastMigration();
    const tables = isPostgres()
      ? await ds.query<{ name: string }[]>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`)
      : await ds.query<{ name: string }[]>(
          `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
        );
    expect(tables.map((t) => t.name).filter((n) => n !== 'migrations')).toEqual([]);
    await ds.runMigrations();
    expect(await ds.query<unknown[]>(`SELECT COUNT(*) AS n FROM "line_polls"`)).toHaveLength(1);
  });
});
