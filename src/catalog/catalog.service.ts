import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Between, In, Repository } from 'typeorm';
import { foldText } from '../shared/text';
import { haversineMeters } from '../buses/domain/geo';
import { BusStop } from './entities/bus-stop.entity';
import { LineVariant } from './entities/line-variant.entity';
import { VariantStop } from './entities/variant-stop.entity';

export interface StopSearch {
  q?: string;
  near?: { latitude: number; longitude: number };
  radiusMeters: number;
  limit: number;
}

export type StopHit = BusStop & { distanceMeters?: number };

/** A stop of a variant's sequence, with its 0-based place in it. */
export type SequenceStop = BusStop & { position: number };

export interface LineSummary {
  line: string;
  /** true when a stop sequence is known for at least one variant (these are the simulated lines). */
  routeKnown: boolean;
  variants: (LineVariant & { routeKnown: boolean })[];
}

const METERS_PER_DEGREE_LAT = 111_320;

/** The stop and line catalogue: search, detail, and the facts a tracking is validated against. */
@Injectable()
export class CatalogService {
  constructor(
    @InjectRepository(BusStop) private readonly stops: Repository<BusStop>,
    @InjectRepository(LineVariant) private readonly variants: Repository<LineVariant>,
    @InjectRepository(VariantStop) private readonly variantStops: Repository<VariantStop>,
  ) {}

  async searchStops({ q, near, radiusMeters, limit }: StopSearch): Promise<StopHit[]> {
    const query = this.stops.createQueryBuilder('s');
    const text = q ? foldText(q) : '';
    if (/^\d+$/.test(text)) {
      query.where('(s.id = :id OR s.searchText LIKE :like)', { id: Number(text), like: `%${text}%` });
    } else if (text) {
      // Every word must appear, in any order: "rivera soca" finds "SOCA / RIVERA".
      text.split(' ').forEach((word, i) => query.andWhere(`s.searchText LIKE :w${i}`, { [`w${i}`]: `%${word}%` }));
    }
    if (near) {
      const dLat = radiusMeters / METERS_PER_DEGREE_LAT;
      const dLon = dLat / Math.cos((near.latitude * Math.PI) / 180);
      query
        .andWhere({ latitude: Between(near.latitude - dLat, near.latitude + dLat) })
        .andWhere({ longitude: Between(near.longitude - dLon, near.longitude + dLon) });
      const hits = (await query.getMany())
        .map((s) => ({ ...s, distanceMeters: Math.round(haversineMeters(near, s)) }))
        .filter((s) => s.distanceMeters <= radiusMeters);
      return hits.sort((a, b) => a.distanceMeters - b.distanceMeters || a.id - b.id).slice(0, limit);
    }
    const hits = await query
      .orderBy('s.id')
      .limit(limit * 4)
      .getMany();
    // An exact id match first, then by street name.
    const exact = /^\d+$/.test(text) ? Number(text) : NaN;
    return hits
      .sort(
        (a, b) =>
          Number(b.id === exact) - Number(a.id === exact) || streets(a).localeCompare(streets(b)) || a.id - b.id,
      )
      .slice(0, limit);
  }

  findStop(stopId: number): Promise<BusStop | null> {
    return this.stops.findOneBy({ id: stopId });
  }

  /** Variants whose known stop sequence includes the stop, grouped by line. */
  async linesServingStop(stopId: number): Promise<LineSummary[]> {
    const rows = await this.variantStops.find({ where: { stopId }, select: { variantId: true } });
    if (!rows.length) return [];
    const variants = await this.variants.find({ where: { id: In([...new Set(rows.map((r) => r.variantId))]) } });
    return groupByLine(variants, new Set(rows.map((r) => r.variantId)));
  }

  async listLines(): Promise<LineSummary[]> {
    const [variants, known] = await Promise.all([
      this.variants.find({ order: { line: 'ASC', id: 'ASC' } }),
      this.variantStops
        .createQueryBuilder('vs')
        .select('DISTINCT vs.variantId', 'variantId')
        .getRawMany<{ variantId: number }>(),
    ]);
    return groupByLine(variants, new Set(known.map((k) => Number(k.variantId))));
  }

  /**
   * The known stop sequences of the given variants, stops in route order with their coordinates; variants
   * without one are absent. Two reads however many variants are asked for.
   */
  async stopSequences(variantIds: number[]): Promise<Map<number, SequenceStop[]>> {
    const sequences = new Map<number, SequenceStop[]>();
    if (!variantIds.length) return sequences;
    const rows = await this.variantStops.find({
      where: { variantId: In(variantIds) },
      order: { variantId: 'ASC', position: 'ASC' },
    });
    if (!rows.length) return sequences;
    const stops = await this.stops.findBy({ id: In([...new Set(rows.map((r) => r.stopId))]) });
    const byId = new Map(stops.map((s) => [s.id, s]));
    for (const { variantId, stopId, position } of rows) {
      const stop = byId.get(stopId);
      // A sequence can name a stop the catalogue lacks: the path simply goes from the stop before to the next.
      if (!stop) continue;
      const sequence = sequences.get(variantId) ?? [];
      sequence.push({ ...stop, position });
      sequences.set(variantId, sequence);
    }
    return sequences;
  }

  /** Variants of the given lines (names already normalised). */
  variantsOfLines(lines: string[]): Promise<LineVariant[]> {
    return this.variants.find({ where: { line: In(lines) } });
  }
}

function streets(s: BusStop): string {
  return `${s.street1 ?? ''} ${s.street2 ?? ''}`;
}

function groupByLine(variants: LineVariant[], known: Set<number>): LineSummary[] {
  const byLine = new Map<string, LineSummary>();
  for (const v of variants) {
    const entry = byLine.get(v.line) ?? { line: v.line, routeKnown: false, variants: [] };
    const routeKnown = known.has(v.id);
    entry.variants.push({ ...v, routeKnown });
    entry.routeKnown ||= routeKnown;
    byLine.set(v.line, entry);
  }
  return [...byLine.values()].sort((a, b) => a.line.localeCompare(b.line, 'en', { numeric: true }));
}
