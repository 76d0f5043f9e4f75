import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { BusStop } from './entities/bus-stop.entity';
import { LineVariant } from './entities/line-variant.entity';
import { VariantSchedule } from './entities/variant-schedule.entity';
import { VariantShape } from './entities/variant-shape.entity';
import { VariantStop } from './entities/variant-stop.entity';
import { StmClient } from '../buses/stm/stm.client';
import { foldText } from '../shared/text';
import { CatalogDiff, diffById, normText, sameStop, sameVariant, StopRow, VariantRow } from './catalog-diff';

/** Removing more than this share of a table in one import looks like a broken answer, not a network change. */
const MAX_REMOVED_SHARE = 0.2;
const CHUNK = 400;

export interface TableReport {
  upstream: number;
  /** Items the API sent that could not be read (skipped, never imported). */
  malformed: number;
  added: number;
  changed: number;
  removed: number;
  unchanged: number;
  /** A few ids of each kind, for the operator to look at. */
  examples: { added: number[]; changed: number[]; removed: number[] };
}

export interface CatalogImportReport {
  stops: TableReport;
  variants: TableReport;
  /** false for --dry-run. */
  applied: boolean;
  /** Rows absent upstream were deleted (--prune); otherwise they are only reported. */
  pruned: boolean;
}

export interface CatalogImportOptions {
  dryRun?: boolean;
  prune?: boolean;
  /** Prune even when the answer would remove a large part of a table. */
  force?: boolean;
}

export class CatalogImportRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CatalogImportRefusedError';
  }
}

function report<T extends { id: number }>(diff: CatalogDiff<T>, upstream: number, malformed: number): TableReport {
  const ids = (rows: { id: number }[]): number[] => rows.slice(0, 10).map((r) => r.id);
  return {
    upstream,
    malformed,
    added: diff.added.length,
    changed: diff.changed.length,
    removed: diff.removed.length,
    unchanged: diff.unchanged,
    examples: { added: ids(diff.added), changed: ids(diff.changed.map((c) => c.after)), removed: ids(diff.removed) },
  };
}

/**
 * Refreshes the stop and line-variant catalogue from the STM API (`npm run cli -- catalog:import`):
 * adds new rows, updates changed ones, and reports (or with --prune deletes) rows the API no longer
 * lists. Variant stop sequences, road geometry and timetables come from the city's open data and GTFS
 * feed, not the API, and are left alone except for variants pruned here. What is pruned stays pruned: the
 * seeder only fills empty tables.
 */
@Injectable()
export class CatalogImportService {
  private readonly logger = new Logger(CatalogImportService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly stm: StmClient,
  ) {}

  async import(options: CatalogImportOptions = {}): Promise<CatalogImportReport> {
    const [stops, variants] = await Promise.all([this.stm.getBusStops(), this.stm.getLineVariants()]);
    const [currentStops, currentVariants] = await Promise.all([
      this.dataSource.getRepository(BusStop).find(),
      this.dataSource.getRepository(LineVariant).find(),
    ]);
    const stopDiff = diffById<StopRow>(currentStops, stops.items, sameStop);
    const variantDiff = diffById<VariantRow>(currentVariants, variants.items, sameVariant);
    const result: CatalogImportReport = {
      stops: report(stopDiff, stops.items.length, stops.skipped),
      variants: report(variantDiff, variants.items.length, variants.skipped),
      applied: !options.dryRun,
      pruned: Boolean(options.prune),
    };
    if (options.prune && !options.force) {
      for (const [what, diff, current] of [
        ['stops', stopDiff, currentStops.length],
        ['variants', variantDiff, currentVariants.length],
      ] as const) {
        if (diff.removed.length > MAX_REMOVED_SHARE * current) {
          throw new CatalogImportRefusedError(
            `The API answer would remove ${diff.removed.length} of ${current} ${what}; that looks like a broken ` +
              'answer rather than a change of the network. Nothing was changed. Check it with --dry-run, and ' +
              'add --force to prune anyway.',
          );
        }
      }
    }
    if (options.dryRun) return result;
    await this.dataSource.transaction(async (manager) => {
      await this.applyStops(manager, stopDiff, Boolean(options.prune));
      await this.applyVariants(manager, variantDiff, Boolean(options.prune));
    });
    this.logger.log(
      `Catalogue imported: stops +${stopDiff.added.length} ~${stopDiff.changed.length} -${options.prune ? stopDiff.removed.length : 0}, ` +
        `variants +${variantDiff.added.length} ~${variantDiff.changed.length} -${options.prune ? variantDiff.removed.length : 0}`,
    );
    return result;
  }

  private async applyStops(manager: EntityManager, diff: CatalogDiff<StopRow>, prune: boolean): Promise<void> {
    const row = (s: StopRow): BusStop => ({
      id: s.id,
      street1: normText(s.street1),
      street2: normText(s.street2),
      searchText: foldText(`${s.street1 ?? ''} ${s.street2 ?? ''}`),
      latitude: s.latitude,
      longitude: s.longitude,
    });
    await this.insertChunked(manager, BusStop, diff.added.map(row));
    for (const { after } of diff.changed) await manager.update(BusStop, { id: after.id }, row(after));
    if (prune && diff.removed.length) await manager.delete(BusStop, { id: In(diff.removed.map((s) => s.id)) });
  }

  private async applyVariants(manager: EntityManager, diff: CatalogDiff<VariantRow>, prune: boolean): Promise<void> {
    const row = (v: VariantRow): LineVariant => ({ ...v, line: v.line.trim().toUpperCase() });
    await this.insertChunked(manager, LineVariant, diff.added.map(row));
    for (const { after } of diff.changed) await manager.update(LineVariant, { id: after.id }, row(after));
    if (prune && diff.removed.length) {
      const ids = diff.removed.map((v) => v.id);
      for (const target of [VariantStop, VariantShape, VariantSchedule])
        await manager.delete(target, { variantId: In(ids) });
      await manager.delete(LineVariant, { id: In(ids) });
    }
  }

  private async insertChunked<T extends BusStop | LineVariant>(
    manager: EntityManager,
    target: new () => T,
    rows: T[],
  ): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK) {
      await manager
        .createQueryBuilder()
        .insert()
        .into(target)
        .values(rows.slice(i, i + CHUNK) as never)
        .execute();
    }
  }
}
