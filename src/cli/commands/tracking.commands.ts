import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { Command, Option } from 'nest-commander';
import { CatalogService } from '../../catalog/catalog.service';
import { TrackingCleanup } from '../../queue/tracking-cleanup';
import { StartTrackingDto } from '../../tracking/dto/start-tracking.dto';
import { AppConfig } from '../../config/app-config';
import { toTrackingResponse } from '../../tracking/tracking.mapper';
import { TrackingService } from '../../tracking/tracking.service';
import { CliCommand, CliUsageError, EXIT } from '../cli-command';
import { stopName } from './stop-name';

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

@Command({
  name: 'tracking:start',
  description: 'start tracking lines at a stop; the lines are polled by a worker (started now if none polled them)',
})
export class TrackingStartCommand extends CliCommand {
  @Option({ flags: '--stop <stopId>', description: 'the stop id on the sign, e.g. 1478', required: true })
  parseStop(value: string): string {
    return value;
  }

  @Option({ flags: '--lines <lines>', description: 'comma-separated line names, e.g. 147,148', required: true })
  parseLines(value: string): string {
    return value;
  }

  @Option({ flags: '--variants <ids>', description: 'comma-separated line variant ids to keep (optional)' })
  parseVariants(value: string): string {
    return value;
  }

  @Option({ flags: '--json', description: 'print JSON instead of text' })
  parseJson(): boolean {
    return true;
  }

  protected async execute(
    _params: string[],
    options: { stop: string; lines: string; variants?: string; json?: boolean },
  ): Promise<number> {
    const variants = list(options.variants);
    const body = {
      stopId: options.stop,
      lines: list(options.lines),
      ...(variants.length ? { variantIds: variants.map((v) => (/^\d+$/.test(v) ? Number(v) : v)) } : {}),
    };
    // The same rules as POST /api/trackings (the ValidationPipe's), with the same messages.
    const dto = plainToInstance(StartTrackingDto, body);
    const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length) {
      // One message per option: the most general rule (the type) is the last one listed.
      const messages = errors.map((e) => Object.values(e.constraints ?? {}).pop() ?? `${e.property} is invalid`);
      throw new CliUsageError(
        messages
          .join('; ')
          .replace(/\bstopId\b/g, '--stop')
          .replace(/\bvariantIds\b/g, '--variants'),
      );
    }
    const { tracking, figures, warning } = await this.service(TrackingService).start(dto);
    if (options.json) {
      this.json({ ...toTrackingResponse(tracking, figures), ...(warning ? { warning } : {}) });
    } else {
      const where = await stopName(this.service(CatalogService), tracking.stopId);
      this.print(
        `Started tracking ${tracking.id}: stop ${tracking.stopId} (${where}), lines ${tracking.lines.join(', ')}.`,
        `Its lines are polled every ${this.service(AppConfig).tracking.intervalSeconds} s.`,
        `Follow it: npm run cli -- tracking:status ${tracking.id}`,
      );
    }
    if (warning) this.warn(warning);
    return EXIT.ok;
  }
}

@Command({
  name: 'tracking:stop',
  arguments: '<trackingId>',
  description: 'stop a tracking (only it: other trackings of its lines go on)',
})
export class TrackingStopCommand extends CliCommand {
  protected async execute([id]: string[]): Promise<number> {
    const service = this.service(TrackingService);
    const before = await service.get(id);
    const after = await service.stop(id);
    this.print(
      before.status === 'active'
        ? `Stopped tracking ${id} after ${after.figures.runs} tick(s) of its lines.`
        : `Tracking ${id} had already ended (${before.status}${before.stopReason ? `: ${before.stopReason}` : ''}); nothing changed.`,
    );
    return EXIT.ok;
  }
}

@Command({
  name: 'tracking:cleanup',
  description: 'repair stale state after crashes: re-chain tracked lines, expire overdue trackings, drop stray ticks',
})
export class TrackingCleanupCommand extends CliCommand {
  @Option({ flags: '--json', description: 'print JSON instead of text' })
  parseJson(): boolean {
    return true;
  }

  protected async execute(_params: string[], options: { json?: boolean }): Promise<number> {
    const report = await this.service(TrackingCleanup).run();
    if (options.json) {
      this.json(report);
      return EXIT.ok;
    }
    const ids = (list: string[]): string => (list.length ? `: ${list.join(', ')}` : '');
    this.print(
      `Tracked lines checked: ${report.lines}`,
      `  trackings expired (past TRACKING_MAX_MINUTES while no tick ran): ${report.expired.length}${ids(report.expired)}`,
      `  lines re-chained (their pending tick was missing): ${report.rechained.length}${ids(report.rechained)}`,
      `  lines made due now (their tick was late): ${report.promoted.length}${ids(report.promoted)}`,
      `  stray ticks removed (of lines no longer tracked, or duplicates): ${report.removed.length}${ids(report.removed)}`,
      ...(report.failed.length
        ? [`  could not repair: ${report.failed.map((f) => `${f.line} (${f.error})`).join(', ')}`]
        : []),
      report.expired.length + report.rechained.length + report.promoted.length + report.removed.length
        ? 'Done.'
        : 'Nothing to repair: every tracked line has exactly one pending tick.',
    );
    if (!report.liveWorkers)
      this.warn('no worker is alive: the ticks wait in the queue; start one with `npm run start:worker`');
    return EXIT.ok;
  }
}
