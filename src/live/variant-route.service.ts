import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { BusStop } from '../buses/entities/bus-stop.entity';
import { LineVariant } from '../buses/entities/line-variant.entity';
import { VariantStop } from '../buses/entities/variant-stop.entity';

export interface VariantRoute {
  variant: LineVariant;
  stops: (BusStop & { position: number })[];
}

/** A line variant's stops in route order, with their coordinates: what the page's route strip draws. */
@Injectable()
export class VariantRouteService {
  constructor(
    @InjectRepository(LineVariant) private readonly variants: Repository<LineVariant>,
    @InjectRepository(VariantStop) private readonly sequence: Repository<VariantStop>,
    @InjectRepository(BusStop) private readonly stops: Repository<BusStop>,
  ) {}

  /** null for a variant not in the catalogue; no stops when its sequence is not known. */
  async route(variantId: number): Promise<VariantRoute | null> {
    const variant = await this.variants.findOneBy({ id: variantId });
    if (!variant) return null;
    const sequence = await this.sequence.find({ where: { variantId }, order: { position: 'ASC' } });
    if (!sequence.length) return { variant, stops: [] };
    const stops = await this.stops.findBy({ id: In([...new Set(sequence.map((s) => s.stopId))]) });
    const byId = new Map(stops.map((s) => [s.id, s]));
    return {
      variant,
      stops: sequence.flatMap(({ stopId, position }) => {
        const stop = byId.get(stopId);
        return stop ? [{ ...stop, position }] : [];
      }),
    };
  }
}
