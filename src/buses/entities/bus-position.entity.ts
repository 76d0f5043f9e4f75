import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One GPS fix of a bus, kept (30 per bus) to derive real speed and the pass rule. */
@Entity('bus_positions')
@Index('idx_bus_positions_bus_fix', ['busTrackingId', 'fixAt'])
export class BusPosition {
  @PrimaryGeneratedColumn()
  id: number;

  @Column('integer')
  busTrackingId: number;

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
