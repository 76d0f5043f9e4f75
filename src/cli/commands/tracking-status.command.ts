import { Command, Option } from 'nest-commander';
import { CatalogService } from '../../catalog/catalog.service';
import { BusEstimate } from '../../buses/domain/bus-estimate';
import { Tracking, TRACKING_STATUSES, TrackingStatus } from '../../tracking/entities/tracking.entity';
import { toBusResponse, toTrackingResponse } from '../../tracking/tracking.mapper';
import { TrackingFigures } from '../../tracking/tracking-views';
import { TrackingService } from '../../tracking/tracking.service';
import { CliCommand, CliUsageError, EXIT } from '../cli-command';
import { ago, table } from '../cli-format';
import { stopName } from './stop-name';

/** In the spirit of the seed's status output: per tracking, the buses coming and those gone by. */
@Command({
  name: 'tracking:status',
  arguments: '[trackingId]',
  description: 'active trackings (or one) with their approaching and passed buses',
})
export class TrackingStatusCommand extends CliCommand {
  @Option({
    flags: '--status <status>',
    description: `list trackings with this status (${TRACKING_STATUSES.join(', ')})`,
  })
  parseStatus(value: string): string {
    return value;
  }

  @Option({ flags: '--json', description: 'print JSON instead of text' })
  parseJson(): boolean {
    return true;
  }

  protected async execute([id]: string[], options: { status?: string; json?: boolean }): Promise<number> {
    const trackings = this.service(TrackingService);
    if (options.status && !TRACKING_STATUSES.includes(options.status as TrackingStatus)) {
      throw new CliUsageError(`--status must be one of ${TRACKING_STATUSES.join(', ')}, got "${options.status}"`);
    }
    const chosen = id
      ? [await trackings.summary(id)]
      : await trackings.list((options.status as TrackingStatus) ?? 'active', 50);
    const views = await Promise.all(
      chosen.map(async (t) => ({ ...(await trackings.buses(t.tracking.id, true)), figures: t.figures })),
    );
    if (options.json) {
      this.json(
        views.map((v) => ({
          ...toTrackingResponse(v.tracking, v.figures),
          buses: v.buses.map((b) => toBusResponse(b, v.now)),
        })),
      );
      return EXIT.ok;
    }
    if (!views.length) {
      this.print(`No ${options.status ?? 'active'} trackings.`);
      return EXIT.ok;
    }
    const catalog = this.service(CatalogService);
    for (const view of views) {
      this.print(...(await this.describe(view.tracking, view.figures, view.buses, view.now, catalog)), '');
    }
    return EXIT.ok;
  }

  private async describe(
    t: Tracking,
    f: TrackingFigures,
    buses: BusEstimate[],
    now: Date,
    catalog: CatalogService,
  ): Promise<string[]> {
    const variants = t.variantIds.length ? ` (variants ${t.variantIds.join(', ')})` : '';
    const lines = [
      `Tracking ${t.id}  ${t.status.toUpperCase()}`,
      `  stop ${t.stopId} (${await stopName(catalog, t.stopId)}), lines ${t.lines.join(', ')}${variants}`,
      `  started ${ago(t.startedAt, now)}; ${f.runs} tick(s), last ${ago(f.lastRunAt, now)}, last success ${ago(f.lastSuccessAt, now)}` +
        (t.status === 'active' ? `, next ${ago(f.nextTickAt, now)}` : ''),
    ];
    if (f.upstream && f.upstream.state !== 'ok') {
      lines.push(`  live data from the city: ${f.upstream.state} since ${ago(f.upstream.since, now)}`);
    }
    if (f.consecutiveFailures)
      lines.push(`  ${f.consecutiveFailures} failed tick(s) in a row; last error: ${f.lastError}`);
    if (t.stopReason) lines.push(`  ended ${ago(t.endedAt, now)}: ${t.stopReason}`);
    const views = buses.map((b) => toBusResponse(b, now));
    const coming = views.filter((b) => !b.passed && b.status !== 'not_coming');
    const passed = views.filter((b) => b.passed);
    const elsewhere = views.filter((b) => b.status === 'not_coming');
    lines.push(coming.length ? `  Approaching (${coming.length}):` : '  Approaching: none seen in the last 5 minutes');
    lines.push(
      ...table(
        coming.map((b) => [
          b.line,
          `bus ${b.busId} (${b.company})`,
          `${b.distanceMeters} m`,
          b.speedKmh === null ? '-' : `${b.speedKmh} km/h`,
          b.etaMinutes === null ? 'ETA -' : `ETA ${b.etaMinutes} min`,
          b.status + (b.stale ? ' (stale)' : ''),
        ]),
        '    ',
      ),
    );
    if (passed.length) {
      lines.push(`  Passed (${passed.length}):`);
      lines.push(
        ...table(
          passed.map((b) => [b.line, `bus ${b.busId} (${b.company})`, `${b.distanceMeters} m away`]),
          '    ',
        ),
      );
    }
    if (elsewhere.length) {
      lines.push(`  Not coming to this stop (other direction or a short run): ${elsewhere.length}`);
    }
    return lines;
  }
}
