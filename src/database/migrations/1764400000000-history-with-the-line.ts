import { MigrationInterface, QueryRunner, Table, TableColumn, TableForeignKey } from 'typeorm';

/**
 * A bus's positions are the same whichever stop it is seen from: they now live with the line's snapshots
 * (in Redis, 32 polls a line) instead of once per tracking in `bus_positions`, so a tick neither reads nor
 * writes them. Bus rows get the time a tick last wrote them, which is how a tick finds the buses that left
 * its list without reading its rows.
 *
 * Every tick rewrites every bus row of its tracking, so those updates must stay cheap: with no index on a
 * column that changes (the dashboard index held lastSeenAt), and room left in each page (PostgreSQL's
 * fillfactor), PostgreSQL updates a row in place (a HOT update) without touching any index. The dashboard
 * finds a tracking's buses through the unique (trackingId, company, busId) index instead.
 */
export class HistoryWithTheLine1764400000000 implements MigrationInterface {
  name = 'HistoryWithTheLine1764400000000';

  async up(q: QueryRunner): Promise<void> {
    const isPostgres = q.connection.options.type === 'postgres';
    // Plain SQL: the table's indexes go with it on both databases.
    await q.query('DROP TABLE "bus_positions"');
    await q.addColumn(
      'bus_trackings',
      new TableColumn({ name: 'refreshedAt', type: isPostgres ? 'timestamptz' : 'datetime', isNullable: true }),
    );
    await q.query(`DROP INDEX "idx_bus_trackings_dashboard"`);
    if (isPostgres) await q.query(`ALTER TABLE "bus_trackings" SET (fillfactor = 60)`);
  }

  async down(q: QueryRunner): Promise<void> {
    const isPostgres = q.connection.options.type === 'postgres';
    if (isPostgres) await q.query(`ALTER TABLE "bus_trackings" RESET (fillfactor)`);
    await q.query(`CREATE INDEX "idx_bus_trackings_dashboard" ON "bus_trackings" ("trackingId", "lastSeenAt")`);
    await q.dropColumn('bus_trackings', 'refreshedAt');
    await q.createTable(
      new Table({
        name: 'bus_positions',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'trackingId', type: 'varchar', length: '36' },
          { name: 'busKey', type: 'varchar', length: '60' },
          { name: 'latitude', type: 'double precision' },
          { name: 'longitude', type: 'double precision' },
          { name: 'distanceMeters', type: 'double precision' },
          { name: 'fixAt', type: isPostgres ? 'timestamptz' : 'datetime' },
        ],
        indices: [{ name: 'idx_bus_positions_tracking_bus_fix', columnNames: ['trackingId', 'busKey', 'fixAt'] }],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_bus_positions_tracking',
            columnNames: ['trackingId'],
            referencedTableName: 'trackings',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
  }
}
