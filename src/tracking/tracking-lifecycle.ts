import { EntityManager } from 'typeorm';
import { Tracking, TrackingStatus } from './entities/tracking.entity';

export type EndStatus = Exclude<TrackingStatus, 'active'>;

/** Normalised identity of a tracking: what makes two start requests "the same". */
export function trackingKey(stopId: number, lines: readonly string[], variantIds: readonly number[]): string {
  return `${stopId}|${lines.join(',')}|${variantIds.join(',')}`;
}

/**
 * Ends an active tracking (stopped by a user, expired, failed). Conditional on it still being
 * active, so a stop racing an expiry records whichever came first. Returns whether it ended it.
 */
export async function endTracking(
  manager: EntityManager,
  trackingId: string,
  status: EndStatus,
  reason: string,
  now: Date,
): Promise<boolean> {
  const result = await manager
    .createQueryBuilder()
    .update(Tracking)
    .set({ status, activeKey: null, endedAt: now, stopReason: reason.slice(0, 500) })
    .where('id = :id AND status = :active', { id: trackingId, active: 'active' })
    .execute();
  return (result.affected ?? 0) > 0;
}
