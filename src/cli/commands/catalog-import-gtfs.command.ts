import { Command, Option } from 'nest-commander';
import { existsSync } from 'node:fs';
import { GtfsImportService } from '../../catalog/gtfs-import.service';
import { CliCommand, CliUsageError, EXIT } from '../cli-command';

interface GtfsOptions {
  dryRun?: boolean;
  json?: boolean;
}

@Command({
  name: 'catalog:import-gtfs',
  arguments: '<feed.zip>',
  description:
    "refresh the timetable (and road geometry and stop lists, when the feed has shapes.txt / stop_times.txt) from the city's GTFS feed, in one transaction",
})
export class CatalogImportGtfsCommand extends CliCommand {
  // A city's feed is tens of megabytes of CSV: reading it takes what it takes.
  protected override timeoutMs = null;

  @Option({ flags: '--dry-run', description: 'read and check the feed, report what would change, write nothing' })
  parseDryRun(): boolean {
    return true;
  }

  @Option({ flags: '--json', description: 'print JSON instead of text' })
  parseJson(): boolean {
    return true;
  }

  protected async execute([path]: string[], options: GtfsOptions): Promise<number> {
    if (!path || !existsSync(path)) throw new CliUsageError(`no GTFS feed at ${path ?? '(none given)'}`);
    if (!options.json) this.print(`Reading the GTFS feed ${path}...`);
    const report = await this.service(GtfsImportService).import(path, options);
    if (options.json) {
      this.json(report);
      return EXIT.ok;
    }
    const { trips } = report;
    this.print(
      `GTFS import of ${report.feed}${report.applied ? '' : ' (dry run: nothing written)'}`,
      `Trips: ${trips.read} read, ${trips.applied} applied, ${trips.unknownVariant} of variants not in the catalogue, ${trips.noServiceDay} of services with no day`,
      `Timetable: ${report.scheduledTrips} scheduled trips of ${report.scheduledVariants} variants (replaces the previous one)`,
      `Road geometry: ${report.shapes} variant(s) replaced; stop lists: ${report.stopLists} variant(s) replaced` +
        (report.unknownStops ? ` (${report.unknownStops} stop(s) not in the catalogue left out)` : ''),
    );
    return EXIT.ok;
  }
}
