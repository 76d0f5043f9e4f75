import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One GPS fix of a bus seen by a tracking, kept (30 per bus) to derive real speed and the pass
 * rule. Keyed by tracking + bus (not by the bus row's id) so a tick can store the fixes of all its
 * buses in one INSERT, without first learning the ids of rows it is inserting in the same breath.
 */
@Entity('bus_positions')
@Index('idx_bus_positions_tracking_bus_fix', ['trackingId', 'busKey', 'fixAt'])
export class BusPosition {
  @PrimaryGeneratedColumn()
  id: number;

  @Column('varchar', { length: 36 })
  trackingId: string;

  /** company#busId: bus numbers repeat across companies. */
  @Column('varchar', { length: 60 })
  busKey: string;

  @Column('double precision')
  latitude: number;

  @Column('double precision')
  longitude: number;

  @Column('double precision')
  distanceMeters: number;

  /** The API's timestamp of this fix. */
  @Column({ type: Date })
  fixAt: Date;
}
