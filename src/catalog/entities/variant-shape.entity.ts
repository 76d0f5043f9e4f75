import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A variant's road geometry, as the city draws it: [longitude, latitude] pairs in the direction of travel. */
@Entity('variant_shapes')
export class VariantShape {
  @PrimaryColumn('integer')
  variantId: number;

  /**
   * JSON `[[lon, lat], …]` (WGS84, 6 decimals). Read whole, never queried inside: a column of text keeps
   * it the same on SQLite and PostgreSQL.
   */
  @Column('text')
  points: string;
}
