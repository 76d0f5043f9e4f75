import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An active tracking's subscription to one of its lines: what a line's tick reads to find the trackings it
 * serves. Rows live as long as the tracking is active; ending it deletes them.
 */
@Entity('tracking_lines')
@Index('idx_tracking_lines_line', ['line'])
export class TrackingLine {
  @PrimaryColumn('varchar', { length: 36 })
  trackingId: string;

  @PrimaryColumn('varchar', { length: 20 })
  line: string;

  /** The line's tick sequence when the tracking subscribed: the ticks it has seen are counted from here. */
  @Column('integer', { default: 0 })
  fromSeq: number;

  /** The line's outage time when the tracking subscribed: its idle time leaves out the outages after it. */
  @Column('double precision', { default: 0 })
  fromOutageMs: number;
}
