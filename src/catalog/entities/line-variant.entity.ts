import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One direction/route of a public line ("21" from Géant to Plaza Independencia, for example). */
@Entity('line_variants')
@Index('idx_line_variants_line', ['line'])
export class LineVariant {
  /** STM lineVariantId. */
  @PrimaryColumn('integer')
  id: number;

  /** Public line name: "21", "G", "D10", "124 SD". */
  @Column('varchar', { length: 20 })
  line: string;

  @Column('integer')
  lineId: number;

  @Column('varchar', { length: 120 })
  origin: string;

  @Column('varchar', { length: 120 })
  destination: string;

  @Column('varchar', { length: 200 })
  subline: string;

  @Column('boolean')
  special: boolean;
}
