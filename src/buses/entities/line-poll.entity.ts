import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The polling of one line: the unit of work (SPEC §3.3). One chain of ticks per line that has at least one
 * active tracking, however many trackings that is. Its tick sequence is what makes the chain exactly one:
 * tick n is claimed by moving `tickSeq` from n − 1 to n.
 */
@Entity('line_polls')
export class LinePoll {
  /** The line's public name, normalised as trackings store it ("21", "D10", "124 SD"). */
  @PrimaryColumn('varchar', { length: 20 })
  line: string;

  /** Active trackings subscribed to the line. The chain ends at the first tick that finds none. */
  @Column('integer', { default: 0 })
  subscriptions: number;

  /** A chain of ticks runs for the line (a pending tick exists, or is being re-created). */
  @Column('boolean', { default: false })
  polling: boolean;

  /** Sequence number of the last tick that completed; the pending tick is tickSeq + 1. */
  @Column('integer', { default: 0 })
  tickSeq: number;

  /** When the pending tick is due; ticks run at a fixed rate. */
  @Column({ type: Date, nullable: true })
  nextTickAt: Date | null;

  @Column({ type: Date, nullable: true })
  lastRunAt: Date | null;

  @Column({ type: Date, nullable: true })
  lastSuccessAt: Date | null;

  /** When a successful poll last listed one of its buses. */
  @Column({ type: Date, nullable: true })
  lastBusSeenAt: Date | null;

  /**
   * Milliseconds the line's polls have failed, in all (a failed tick adds the time since the one before).
   * Idle time is time without buses minus this outage time (SPEC §3.2), measured between two readings.
   */
  @Column('double precision', { default: 0 })
  outageMs: number;

  /** outageMs when a bus was last seen. */
  @Column('double precision', { default: 0 })
  outageMsAtLastBus: number;

  /** Buses the last successful poll listed. */
  @Column('integer', { default: 0 })
  busesSeen: number;

  @Column('integer', { default: 0 })
  consecutiveFailures: number;

  @Column('varchar', { length: 500, nullable: true })
  lastError: string | null;

  /** Since when every poll of the line has failed (null while data flows). */
  @Column({ type: Date, nullable: true })
  unavailableSince: Date | null;

  /** Since when the STM API has refused our credentials on every poll of the line. */
  @Column({ type: Date, nullable: true })
  credentialsRefusedSince: Date | null;
}
