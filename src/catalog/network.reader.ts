import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import type { LonLat } from '../shared/route';
import type { NetworkData } from './domain/route-resolution';
import { BusStop } from './entities/bus-stop.entity';
import { LineVariant } from './entities/line-variant.entity';
import { VariantShape } from './entities/variant-shape.entity';
import { VariantStop } from './entities/variant-stop.entity';

/**
 * Reads what the route of a variant is worked out from: the variants of its line, their road geometry,
 * their stop lists and those stops' places. A variant's route depends on its line's other variants (a
 * sibling's geometry, the stops of its direction), so the unit read is a line.
 */
@Injectable()
export class NetworkReader {
  constructor(
    @InjectRepository(LineVariant) private readonly variants: Repository<LineVariant>,
    @InjectRepository(VariantShape) private readonly shapes: Repository<VariantShape>,
    @InjectRepository(VariantStop) private readonly sequences: Repository<VariantStop>,
    @InjectRepository(BusStop) private readonly stops: Repository<BusStop>,
  ) {}

  /** Line names of the given variants (those in the catalogue). */
  async linesOf(variantIds: number[]): Promise<Map<number, string>> {
    if (!variantIds.length) return new Map();
    const rows = await this.variants.find({ where: { id: In(variantIds) }, select: { id: true, line: true } });
    return new Map(rows.map((r) => [r.id, r.line]));
  }

  /** Everything the routes of the given lines' variants need; every line when `lines` is absent. */
  async forLines(lines?: string[]): Promise<NetworkData> {
    const variants = await this.variants.find(lines ? { where: { line: In(lines) } } : {});
    const ids = variants.map((v) => v.id);
    const whole = lines === undefined;
    const [shapes, sequences] = await Promise.all([
      this.shapes.find(whole ? {} : { where: { variantId: In(ids) } }),
      this.sequences.find({
        ...(whole ? {} : { where: { variantId: In(ids) } }),
        order: { variantId: 'ASC', position: 'ASC' },
      }),
    ]);
    const stopIds = [...new Set(sequences.map((s) => s.stopId))];
    const stops = whole ? await this.stops.find() : stopIds.length ? await this.stops.findBy({ id: In(stopIds) }) : [];
    const shapeOf = new Map(shapes.map((s) => [s.variantId, JSON.parse(s.points) as LonLat[]]));
    const stopsOf = new Map<number, number[]>();
    for (const { variantId, stopId } of sequences) stopsOf.set(variantId, [...(stopsOf.get(variantId) ?? []), stopId]);
    const stopAt = new Map(stops.map((s) => [s.id, [s.longitude, s.latitude] as LonLat]));
    return {
      variants,
      shapeOf: (id) => shapeOf.get(id),
      stopsOf: (id) => stopsOf.get(id),
      stopAt: (id) => stopAt.get(id),
    };
  }
}
