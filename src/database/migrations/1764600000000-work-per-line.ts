import { MigrationInterface, QueryRunner, Table, TableColumn, TableForeignKey, TableIndex } from 'typeorm';

/**
 * The unit of work becomes a line's poll (SPEC §3.3): `line_polls` holds one chain of ticks per line,
 * `tracking_lines` the active trackings subscribed to each line. A rider's buses are computed from the line's
 * state when read, so the per-tracking bus rows (`bus_trackings`) and the per-tracking tick columns go.
 * Trackings get what a rider's start needs: a client key (per-client cap) and an idempotency key.
 *
 * Active trackings carry over: each gets its subscriptions, each of their lines a chain that the
 * workers' reconciler starts.
 */
export class WorkPerLine1764600000000 implements MigrationInterface {
  name = 'WorkPerLine1764600000000';

  async up(q: QueryRunner): Promise<void> {
    const ts = q.connection.options.type === 'postgres' ? 'timestamptz' : 'datetime';
    await q.query('DROP TABLE "bus_trackings"');
    await q.dropIndex('trackings', 'uq_trackings_active_key');
    for (const column of [
      'activeKey',
      'tickSeq',
      'nextTickAt',
      'lastBusSeenAt',
      'busesSeen',
      'consecutiveFailures',
      'lastError',
    ]) {
      await q.dropColumn('trackings', column);
    }
    await q.addColumns('trackings', [
      new TableColumn({ name: 'clientKey', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'idempotencyKey', type: 'varchar', length: '200', isNullable: true }),
    ]);
    await q.createIndices('trackings', [
      new TableIndex({ name: 'uq_trackings_idempotency_key', columnNames: ['idempotencyKey'], isUnique: true }),
      new TableIndex({ name: 'idx_trackings_status_started', columnNames: ['status', 'startedAt'] }),
      new TableIndex({ name: 'idx_trackings_client_status', columnNames: ['clientKey', 'status'] }),
    ]);
    await q.createTable(
      new Table({
        name: 'line_polls',
        columns: [
          { name: 'line', type: 'varchar', length: '20', isPrimary: true },
          { name: 'subscriptions', type: 'integer', default: 0 },
          { name: 'polling', type: 'boolean', default: false },
          { name: 'tickSeq', type: 'integer', default: 0 },
          { name: 'nextTickAt', type: ts, isNullable: true },
          { name: 'lastRunAt', type: ts, isNullable: true },
          { name: 'lastSuccessAt', type: ts, isNullable: true },
          { name: 'lastBusSeenAt', type: ts, isNullable: true },
          { name: 'outageMs', type: 'double precision', default: 0 },
          { name: 'outageMsAtLastBus', type: 'double precision', default: 0 },
          { name: 'busesSeen', type: 'integer', default: 0 },
          { name: 'consecutiveFailures', type: 'integer', default: 0 },
          { name: 'lastError', type: 'varchar', length: '500', isNullable: true },
          { name: 'unavailableSince', type: ts, isNullable: true },
          { name: 'credentialsRefusedSince', type: ts, isNullable: true },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'tracking_lines',
        columns: [
          { name: 'trackingId', type: 'varchar', length: '36', isPrimary: true },
          { name: 'line', type: 'varchar', length: '20', isPrimary: true },
          { name: 'fromSeq', type: 'integer', default: 0 },
          { name: 'fromOutageMs', type: 'double precision', default: 0 },
        ],
        indices: [{ name: 'idx_tracking_lines_line', columnNames: ['line'] }],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_tracking_lines_tracking',
            columnNames: ['trackingId'],
            referencedTableName: 'trackings',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
    await this.carryOverActiveTrackings(q);
  }

  /** Subscriptions of the trackings active at the upgrade, and a chain for each of their lines. */
  private async carryOverActiveTrackings(q: QueryRunner): Promise<void> {
    const rows = (await q.query(`SELECT "id", "lines" FROM "trackings" WHERE "status" = 'active'`)) as {
      id: string;
      lines: string;
    }[];
    const perLine = new Map<string, number>();
    for (const { id, lines } of rows) {
      for (const line of new Set(lines.split(',').filter(Boolean))) {
        await q.manager.insert('tracking_lines', { trackingId: id, line, fromSeq: 0 });
        perLine.set(line, (perLine.get(line) ?? 0) + 1);
      }
    }
    for (const [line, subscriptions] of perLine) {
      await q.manager.insert('line_polls', { line, subscriptions, polling: true, tickSeq: 0 });
    }
  }

  async down(q: QueryRunner): Promise<void> {
    const isPostgres = q.connection.options.type === 'postgres';
    const ts = isPostgres ? 'timestamptz' : 'datetime';
    await q.dropTable('tracking_lines');
    await q.dropTable('line_polls');
    for (const index of [
      'uq_trackings_idempotency_key',
      'idx_trackings_status_started',
      'idx_trackings_client_status',
    ]) {
      await q.dropIndex('trackings', index);
    }
    await q.dropColumns('trackings', ['clientKey', 'idempotencyKey']);
    await q.addColumns('trackings', [
      new TableColumn({ name: 'activeKey', type: 'varchar', length: '400', isNullable: true }),
      new TableColumn({ name: 'tickSeq', type: 'integer', default: 0 }),
      new TableColumn({ name: 'nextTickAt', type: ts, isNullable: true }),
      new TableColumn({ name: 'lastBusSeenAt', type: ts, isNullable: true }),
      new TableColumn({ name: 'busesSeen', type: 'integer', default: 0 }),
      new TableColumn({ name: 'consecutiveFailures', type: 'integer', default: 0 }),
      new TableColumn({ name: 'lastError', type: 'varchar', length: '500', isNullable: true }),
    ]);
    await q.query(`UPDATE "trackings" SET "nextTickAt" = "startedAt", "lastBusSeenAt" = "startedAt"`);
    // Trackings active at the downgrade converge again on one per stop and lines only if they agree.
    await q.query(
      `UPDATE "trackings" SET "status" = 'stopped', "stopReason" = 'stopped by a schema downgrade' ` +
        `WHERE "status" = 'active'`,
    );
    await q.createIndex(
      'trackings',
      new TableIndex({ name: 'uq_trackings_active_key', columnNames: ['activeKey'], isUnique: true }),
    );
    await q.createTable(
      new Table({
        name: 'bus_trackings',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'trackingId', type: 'varchar', length: '36' },
          { name: 'company', type: 'varchar', length: '40' },
          { name: 'busId', type: 'integer' },
          { name: 'line', type: 'varchar', length: '20' },
          { name: 'variantId', type: 'integer' },
          { name: 'destination', type: 'varchar', length: '120' },
          { name: 'latitude', type: 'double precision' },
          { name: 'longitude', type: 'double precision' },
          { name: 'distanceMeters', type: 'double precision' },
          { name: 'speedKmh', type: 'double precision', isNullable: true },
          { name: 'etaSeconds', type: 'double precision', isNullable: true },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'passed', type: 'boolean', default: false },
          { name: 'missingCount', type: 'integer', default: 0 },
          { name: 'positionsCount', type: 'integer', default: 0 },
          { name: 'firstSeenAt', type: ts },
          { name: 'lastSeenAt', type: ts },
          { name: 'lastFixAt', type: ts },
          { name: 'refreshedAt', type: ts, isNullable: true },
        ],
        indices: [{ name: 'uq_bus_trackings_bus', columnNames: ['trackingId', 'company', 'busId'], isUnique: true }],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_bus_trackings_tracking',
            columnNames: ['trackingId'],
            referencedTableName: 'trackings',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
    if (isPostgres) await q.query(`ALTER TABLE "bus_trackings" SET (fillfactor = 60)`);
  }
}
