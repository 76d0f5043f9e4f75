import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The n-th stop a line variant serves, in route order (known for part of the network). */
@Entity('variant_stops')
@Index('idx_variant_stops_stop', ['stopId'])
export class VariantStop {
  @PrimaryColumn('integer')
  variantId: number;

  /** 0-based order along the route. */
  @PrimaryColumn('integer')
  position: number;

  @Column('integer')
  stopId: number;
}
