import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A stop as riders know it: the id painted on the stop sign, the two corner streets, its place. */
@Entity('bus_stops')
@Index('idx_bus_stops_lat_lon', ['latitude', 'longitude'])
export class BusStop {
  /** STM busstopId. */
  @PrimaryColumn('integer')
  id: number;

  @Column('varchar', { length: 120, nullable: true })
  street1: string | null;

  @Column('varchar', { length: 120, nullable: true })
  street2: string | null;

  /** Both streets lower-cased without accents ("coruna gral julio amadeo roletti"), for search. */
  @Column('varchar', { length: 260, select: false })
  searchText: string;

  @Column('double precision')
  latitude: number;

  @Column('double precision')
  longitude: number;
}
