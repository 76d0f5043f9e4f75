import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * The city's road geometry per variant and its timetable (trip start minutes per variant and day type),
 * and room for the full stop sequences: the 277 sequences of the 2022 table are superseded by the city's
 * newer lists (600 variants, checked against the geometry), so they are cleared here and the catalogue
 * seeder fills all three from the shipped data on the next start (only for the variants and stops the
 * database still has: an operator's prune stays a prune).
 */
export class RoadGeometryAndSchedules1764500000000 implements MigrationInterface {
  name = 'RoadGeometryAndSchedules1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'variant_shapes',
        columns: [
          { name: 'variantId', type: 'integer', isPrimary: true },
          { name: 'points', type: 'text' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'variant_schedules',
        columns: [
          { name: 'variantId', type: 'integer', isPrimary: true },
          { name: 'dayType', type: 'varchar', length: '8', isPrimary: true },
          { name: 'startMinute', type: 'integer', isPrimary: true },
        ],
      }),
    );
    await q.query('DELETE FROM "variant_stops"');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('variant_schedules');
    await q.dropTable('variant_shapes');
    // The earlier seeder tops the 2022 sequences back up when it finds fewer rows than its file has.
    await q.query('DELETE FROM "variant_stops"');
  }
}
