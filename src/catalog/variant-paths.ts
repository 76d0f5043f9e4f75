import { Injectable } from '@nestjs/common';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { NetworkData } from './domain/route-resolution';
import { resolveVariantPaths } from './domain/route-resolution';
import type { VariantPath } from './domain/variant-path';
import { NetworkReader } from './network.reader';

/** Routes change only with a catalogue import: a path is worked out again at most this often. */
const PATH_CACHE_MS = 10 * 60_000;
/** About ten times the variants of the whole network: the cache never outgrows a process. */
const MAX_CACHED = 25_000;

/**
 * The paths of line variants (SPEC §3.1), worked out once and remembered: every tick needs the paths of
 * the variants it sees, and the catalogue's pages need to know which variants have one. A variant's path
 * depends on its line's other variants, so a miss works out its whole line; the whole network (for
 * `GET /api/lines`) is worked out at most once per PATH_CACHE_MS however many ask at once.
 */
@Injectable()
export class VariantPaths {
  private readonly cache = new Map<number, { path: VariantPath | null; at: number }>();
  private network?: { paths: Promise<Map<number, VariantPath>>; at: number };

  constructor(private readonly reader: NetworkReader) {}

  /** Paths of the given variants; variants with no known route (or not in the catalogue) are absent. */
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
    const lines = await this.reader.linesOf(missing);
    const resolved = lines.size
      ? resolveVariantPaths(await this.reader.forLines([...new Set(lines.values())]))
      : new Map<number, VariantPath>();
    if (this.cache.size + missing.length > MAX_CACHED) this.cache.clear();
    for (const [id, path] of resolved) this.cache.set(id, { path, at: now });
    for (const id of missing) {
      const path = resolved.get(id) ?? null;
      this.cache.set(id, { path, at: now });
      if (path) paths.set(id, path);
    }
    return paths;
  }

  /** The path of every variant that has one. */
  all(): Promise<Map<number, VariantPath>> {
    const now = Date.now();
    if (!this.network || now - this.network.at >= PATH_CACHE_MS) {
      const paths = this.reader.forLines().then((data) => resolveByLine(data));
      const network = { paths, at: now };
      this.network = network;
      // A failed read is not remembered: the next caller tries again.
      paths.catch(() => {
        if (this.network === network) this.network = undefined;
      });
    }
    return this.network.paths;
  }

  /** Forget every path (after an import in this process changed the catalogue). */
  forget(): void {
    this.cache.clear();
    this.network = undefined;
  }
}

/**
 * The whole network, a line at a time with a turn of the event loop in between: about a third of a second
 * of work in all, which a web process must not spend in one go while it has requests to answer.
 */
async function resolveByLine(data: NetworkData): Promise<Map<number, VariantPath>> {
  const paths = new Map<number, VariantPath>();
  for (const line of new Set(data.variants.map((v) => v.line))) {
    for (const [id, path] of resolveVariantPaths(data, [line])) paths.set(id, path);
    await nextTurn();
  }
  return paths;
}
