import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const TRACKING_STATUSES = ['active', 'stopped', 'expired', 'failed'] as const;
export type TrackingStatus = (typeof TRACKING_STATUSES)[number];

/** A rider's request: watch these lines (and maybe variants) arriving at this stop. */
@Entity('trackings')
@Index('idx_trackings_status', ['status'])
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

  /**
   * stop|lines|variants while active, null once ended. Its unique index is what makes concurrent
   * identical starts converge on one tracking, whichever process serves them.
   */
  @Index('uq_trackings_active_key', { unique: true })
  @Column('varchar', { length: 400, nullable: true })
  activeKey: string | null;

  @Column('varchar', { length: 16 })
  status: TrackingStatus;

  @Column({ type: Date })
  startedAt: Date;

  @Column({ type: Date, nullable: true })
  endedAt: Date | null;

  @Column('varchar', { length: 500, nullable: true })
  stopReason: string | null;

  /** Sequence number of the last tick that completed; the pending tick is tickSeq + 1. */
  @Column('integer', { default: 0 })
  tickSeq: number;

  /** When the pending tick is due; ticks run at a fixed rate from startedAt. */
  @Column({ type: Date })
  nextTickAt: Date;

  @Column({ type: Date, nullable: true })
  lastRunAt: Date | null;

  @Column({ type: Date, nullable: true })
  lastSuccessAt: Date | null;

  /** Last time any bus of the tracked lines was seen; drives the idle rule. */
  @Column({ type: Date })
  lastBusSeenAt: Date;

  @Column('integer', { default: 0 })
  runs: number;

  @Column('integer', { default: 0 })
  busesSeen: number;

  @Column('integer', { default: 0 })
  consecutiveFailures: number;

  @Column('varchar', { length: 500, nullable: true })
  lastError: string | null;
}
