import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const BUS_STATUSES = [
  'arriving',
  'very_close',
  'approaching',
  'on_the_way',
  'passed',
  'calculating',
  // Not yet under way: waiting at the first stop of its route.
  'at_terminus',
  // On a variant that does not serve the tracked stop (the other direction, a short run).
  'not_coming',
] as const;
export type BusStatus = (typeof BUS_STATUSES)[number];

/** One bus as seen from one tracking's stop: where it is, how fast it closes in, when it arrives. */
@Entity('bus_trackings')
@Index('uq_bus_trackings_bus', ['trackingId', 'company', 'busId'], { unique: true })
export class BusTracking {
  @PrimaryGeneratedColumn()
  id: number;

  @Column('varchar', { length: 36 })
  trackingId: string;

  @Column('varchar', { length: 40 })
  company: string;

  @Column('integer')
  busId: number;

  @Column('varchar', { length: 20 })
  line: string;

  @Column('integer')
  variantId: number;

  @Column('varchar', { length: 120 })
  destination: string;

  @Column('double precision')
  latitude: number;

  @Column('double precision')
  longitude: number;

  @Column('double precision')
  distanceMeters: number;

  @Column('double precision', { nullable: true })
  speedKmh: number | null;

  @Column('double precision', { nullable: true })
  etaSeconds: number | null;

  @Column('varchar', { length: 16 })
  status: BusStatus;

  @Column('boolean', { default: false })
  passed: boolean;

  /** Consecutive polls of its line that did not list this bus; it leaves the list at 3. */
  @Column('integer', { default: 0 })
  missingCount: number;

  @Column('integer', { default: 0 })
  positionsCount: number;

  @Column({ type: Date })
  firstSeenAt: Date;

  /** When our poll last saw this bus. */
  @Column({ type: Date })
  lastSeenAt: Date;

  /** The API's own timestamp of the last fix. */
  @Column({ type: Date })
  lastFixAt: Date;

  /** When a tick last wrote this row: the rows a tick did not write are buses that left its list. */
  @Column({ type: Date, nullable: true })
  refreshedAt: Date | null;
}
