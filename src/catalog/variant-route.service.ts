import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { CatalogService, SequenceStop } from './catalog.service';
import { LineVariant } from './entities/line-variant.entity';

export interface VariantRoute {
  variant: LineVariant;
  stops: SequenceStop[];
}

/** A line variant's stops in route order, with their coordinates: what the page's route strip draws. */
@Injectable()
export class VariantRouteService {
  constructor(
    @InjectRepository(LineVariant) private readonly variants: Repository<LineVariant>,
    private readonly catalog: CatalogService,
  ) {}

  /** null for a variant not in the catalogue; no stops when its sequence is not known. */
  async route(variantId: number): Promise<VariantRoute | null> {
    const variant = await this.variants.findOneBy({ id: variantId });
    if (!variant) return null;
    const stops = (await this.catalog.stopSequences([variantId])).get(variantId) ?? [];
    return { variant, stops };
  }
}
