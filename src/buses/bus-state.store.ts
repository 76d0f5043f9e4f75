import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Fix } from './domain/bus-metrics';
import { BusState, BusUpdate } from './domain/bus-update';
import { BusPosition } from './entities/bus-position.entity';
import { BusTracking } from './entities/bus-tracking.entity';

/** Loads and stores the per-tracking bus state that applyReports works on. */
@Injectable()
export class BusStateStore {
  async load(manager: EntityManager, trackingId: string): Promise<BusState[]> {
    const rows = await manager.find(BusTracking, { where: { trackingId } });
    if (!rows.length) return [];
    const positions = await manager.find(BusPosition, {
      where: { busTrackingId: In(rows.map((r) => r.id)) },
      order: { fixAt: 'ASC', id: 'ASC' },
    });
    const history = new Map<number, Fix[]>(rows.map((r) => [r.id, []]));
    for (const p of positions) history.get(p.busTrackingId)?.push(p);
    return rows.map((row) => ({ ...row, history: history.get(row.id) ?? [] }));
  }

  async save(manager: EntityManager, trackingId: string, update: BusUpdate): Promise<void> {
    if (update.removed.length) {
      // bus_positions rows go with them (ON DELETE CASCADE).
      await manager.delete(BusTracking, { id: In(update.removed.map((b) => b.id)) });
    }
    for (const bus of update.kept) {
      const row = toRow(trackingId, bus);
      if (bus.id) {
        await manager.update(BusTracking, { id: bus.id }, row);
      } else {
        const result = await manager.insert(BusTracking, row);
        bus.id = (result.identifiers[0] as { id: number }).id;
      }
    }
    if (update.newFixes.length) {
      await manager.insert(
        BusPosition,
        update.newFixes.map(({ bus, fix }) => ({
          busTrackingId: bus.id,
          latitude: fix.latitude,
          longitude: fix.longitude,
          distanceMeters: fix.distanceMeters,
          fixAt: fix.fixAt,
        })),
      );
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
