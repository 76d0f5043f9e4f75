import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const TRACKING_STATUSES = ['active', 'stopped', 'expired', 'failed'] as const;
export type TrackingStatus = (typeof TRACKING_STATUSES)[number];

/**
 * A rider's request: watch these lines (and maybe variants) arriving at this stop. Its id is the rider's
 * capability. The work is the lines' (LinePoll): nothing here changes while it is active, except when it ends.
 */
@Entity('trackings')
@Index('idx_trackings_status', ['status'])
@Index('idx_trackings_status_started', ['status', 'startedAt'])
@Index('idx_trackings_client_status', ['clientKey', 'status'])
export class Tracking {
  @PrimaryColumn('varchar', { length: 36 })
  id: string;

  @Column('integer')
  stopId: number;

  /** Normalised line names (trimmed, upper-cased, unique, sorted). */
  @Column('simple-array')
  lines: string[];

  /** Normalised variant ids; empty means every variant of the lines. */
  @Column('simple-json')
  variantIds: number[];

  @Column('varchar', { length: 16 })
  status: TrackingStatus;

  @Column({ type: Date })
  startedAt: Date;

  @Column({ type: Date, nullable: true })
  endedAt: Date | null;

  @Column('varchar', { length: 500, nullable: true })
  stopReason: string | null;

  /** Who started it, as a keyed hash of the client address: for the per-client cap, never shown. */
  @Column('varchar', { length: 64, nullable: true })
  clientKey: string | null;

  /** The start request's Idempotency-Key: a retry with the same key gets this tracking back. */
  @Index('uq_trackings_idempotency_key', { unique: true })
  @Column('varchar', { length: 200, nullable: true })
  idempotencyKey: string | null;

  /** Ticks of its lines it saw, when and last successfully: its lines' figures, kept here when it ends. */
  @Column('integer', { default: 0 })
  runs: number;

  @Column({ type: Date, nullable: true })
  lastRunAt: Date | null;

  @Column({ type: Date, nullable: true })
  lastSuccessAt: Date | null;
}
