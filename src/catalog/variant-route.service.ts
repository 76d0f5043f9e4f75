import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { CatalogService } from './catalog.service';
import type { VariantPath } from './domain/variant-path';
import { BusStop } from './entities/bus-stop.entity';
import { LineVariant } from './entities/line-variant.entity';
import { VariantStop } from './entities/variant-stop.entity';

/** A stop of a variant, with its 0-based place in the variant's order and, where known, along its road. */
export type RouteStop = BusStop & { position: number; offsetMeters: number | null };

export interface VariantRoute {
  variant: LineVariant;
  /** The route the tracker places its buses on; null when it is not known. */
  path: VariantPath | null;
  stops: RouteStop[];
}

/**
 * A line variant's route for the page: its road geometry and its stops placed along it, the same path the
 * tracker uses. Where no route is known, its own stop list (if the catalogue has one), without offsets.
 */
@Injectable()
export class VariantRouteService {
  constructor(
    private readonly catalog: CatalogService,
    @InjectRepository(VariantStop) private readonly sequences: Repository<VariantStop>,
    @InjectRepository(BusStop) private readonly busStops: Repository<BusStop>,
  ) {}

  /** null for a variant not in the catalogue. */
  async route(variantId: number): Promise<VariantRoute | null> {
    const found = await this.catalog.variantRoute(variantId);
    if (!found) return null;
    const { variant, path, stops } = found;
    if (path) {
      const placed = path.stopIds.flatMap((id, position) => {
        const stop = stops.get(id);
        return stop ? [{ ...stop, position, offsetMeters: Math.round(path.offsets[position] * 10) / 10 }] : [];
      });
      return { variant, path, stops: placed };
    }
    const rows = await this.sequences.find({ where: { variantId }, order: { position: 'ASC' } });
    const known = rows.length ? await this.busStops.findBy({ id: In([...new Set(rows.map((r) => r.stopId))]) }) : [];
    const byId = new Map(known.map((s) => [s.id, s]));
    const listed = rows.flatMap(({ stopId, position }) => {
      const stop = byId.get(stopId);
      return stop ? [{ ...stop, position, offsetMeters: null }] : [];
    });
    return { variant, path: null, stops: listed };
  }
}
