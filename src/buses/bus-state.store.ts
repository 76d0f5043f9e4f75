import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Fix } from './domain/bus-metrics';
import { busKey, BusState, BusUpdate } from './domain/bus-update';
import { BusPosition } from './entities/bus-position.entity';
import { BusTracking } from './entities/bus-tracking.entity';

/** Rows per multi-row statement: far below SQLite's 32,766 bound parameters (19 columns a row). */
const CHUNK = 500;

const chunks = <T>(rows: T[]): T[][] =>
  Array.from({ length: Math.ceil(rows.length / CHUNK) }, (_, i) => rows.slice(i * CHUNK, (i + 1) * CHUNK));

/** Upsert target: a bus is one row per tracking. */
const BUS_IDENTITY = ['trackingId', 'company', 'busId'];
const BUS_COLUMNS = [
  'line',
  'variantId',
  'destination',
  'latitude',
  'longitude',
  'distanceMeters',
  'speedKmh',
  'etaSeconds',
  'status',
  'passed',
  'missingCount',
  'positionsCount',
  'firstSeenAt',
  'lastSeenAt',
  'lastFixAt',
];

/**
 * Loads and stores the per-tracking bus state that applyReports works on. A tick costs the same
 * handful of statements whether it sees 2 buses or 200: two reads, one upsert of every bus, one
 * insert of every new fix, and at most three deletes.
 */
@Injectable()
export class BusStateStore {
  async load(manager: EntityManager, trackingId: string): Promise<BusState[]> {
    const rows = await manager.find(BusTracking, { where: { trackingId } });
    if (!rows.length) return [];
    const positions = await manager.find(BusPosition, { where: { trackingId }, order: { fixAt: 'ASC', id: 'ASC' } });
    const history = new Map<string, Fix[]>(rows.map((r) => [busKey(r), []]));
    for (const p of positions) history.get(p.busKey)?.push(p);
    return rows.map((row) => ({ ...row, history: history.get(busKey(row)) ?? [] }));
  }

  async save(manager: EntityManager, trackingId: string, update: BusUpdate): Promise<void> {
    if (update.removed.length) {
      await manager.delete(BusTracking, { id: In(update.removed.map((b) => b.id)) });
      await manager.delete(BusPosition, { trackingId, busKey: In(update.removed.map(busKey)) });
    }
    for (const rows of chunks(update.kept.map((bus) => toRow(trackingId, bus)))) {
      await manager
        .createQueryBuilder()
        .insert()
        .into(BusTracking)
        .values(rows)
        .orUpdate(BUS_COLUMNS, BUS_IDENTITY)
        // Nothing to read back: ids are not needed (positions are keyed by bus), and on SQLite an
        // upsert that updated returns none to read.
        .updateEntity(false)
        .execute();
    }
    const fixes = update.newFixes.map(({ bus, fix }) => ({
      trackingId,
      busKey: busKey(bus),
      latitude: fix.latitude,
      longitude: fix.longitude,
      distanceMeters: fix.distanceMeters,
      fixAt: fix.fixAt,
    }));
    for (const rows of chunks(fixes)) {
      await manager.createQueryBuilder().insert().into(BusPosition).values(rows).updateEntity(false).execute();
    }
    if (update.droppedFixIds.length) await manager.delete(BusPosition, { id: In(update.droppedFixIds) });
  }
}

function toRow(trackingId: string, bus: BusState): Omit<BusTracking, 'id'> {
  return {
    trackingId,
    company: bus.company,
    busId: bus.busId,
    line: bus.line,
    variantId: bus.variantId,
    destination: bus.destination,
    latitude: bus.latitude,
    longitude: bus.longitude,
    distanceMeters: bus.distanceMeters,
    speedKmh: bus.speedKmh,
    etaSeconds: bus.etaSeconds,
    status: bus.status,
    passed: bus.passed,
    missingCount: bus.missingCount,
    positionsCount: bus.history.length,
    firstSeenAt: bus.firstSeenAt,
    lastSeenAt: bus.lastSeenAt,
    lastFixAt: bus.lastFixAt,
  };
}
