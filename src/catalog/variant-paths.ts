import { Injectable } from '@nestjs/common';
import { CatalogService } from './catalog.service';
import { buildVariantPath, VariantPath } from '../buses/domain/along-route';

/** Sequences change only with a catalogue import: a path is rebuilt at most this often. */
const PATH_CACHE_MS = 10 * 60_000;
/** About ten times the variants of the whole network: the cache never outgrows a worker. */
const MAX_CACHED = 25_000;

/**
 * The paths of line variants with a known stop sequence, built once and remembered: every tick needs
 * the paths of the variants it sees, and reading them each time would double a tick's database work.
 */
@Injectable()
export class VariantPaths {
  private readonly cache = new Map<number, { path: VariantPath | null; at: number }>();

  constructor(private readonly catalog: CatalogService) {}

  /** Paths of the given variants; variants with no known sequence are absent from the map. */
  async pathsOf(variantIds: Iterable<number>): Promise<Map<number, VariantPath>> {
    const now = Date.now();
    const paths = new Map<number, VariantPath>();
    const missing: number[] = [];
    for (const id of new Set(variantIds)) {
      const cached = this.cache.get(id);
      if (cached && now - cached.at < PATH_CACHE_MS) {
        if (cached.path) paths.set(id, cached.path);
      } else missing.push(id);
    }
    if (!missing.length) return paths;
    const sequences = await this.catalog.stopSequences(missing);
    if (this.cache.size + missing.length > MAX_CACHED) this.cache.clear();
    for (const id of missing) {
      const path = buildVariantPath(id, sequences.get(id) ?? []);
      this.cache.set(id, { path, at: now });
      if (path) paths.set(id, path);
    }
    return paths;
  }
}
