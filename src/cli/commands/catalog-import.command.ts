import { Command, Option } from 'nest-commander';
import { CatalogImportService, TableReport } from '../../catalog/catalog-import.service';
import { AppConfig } from '../../config/app-config';
import { CliCommand, EXIT } from '../cli-command';

interface ImportOptions {
  dryRun?: boolean;
  prune?: boolean;
  force?: boolean;
  json?: boolean;
}

@Command({
  name: 'catalog:import',
  description: 'refresh stops and line variants from the STM API (or the simulator): add, update, report removed',
})
export class CatalogImportCommand extends CliCommand {
  // The whole catalogue from someone else's API can take a while; its own timeouts and retries apply.
  protected override timeoutMs = null;

  @Option({ flags: '--dry-run', description: 'only report what would change' })
  parseDryRun(): boolean {
    return true;
  }

  @Option({ flags: '--prune', description: 'also delete stops and variants the API no longer lists' })
  parsePrune(): boolean {
    return true;
  }

  @Option({ flags: '--force', description: 'prune even if the answer would remove more than a fifth of a table' })
  parseForce(): boolean {
    return true;
  }

  @Option({ flags: '--json', description: 'print JSON instead of text' })
  parseJson(): boolean {
    return true;
  }

  protected async execute(_params: string[], options: ImportOptions): Promise<number> {
    const config = this.service(AppConfig);
    const source = config.stm.simulated
      ? `the STM simulator at ${config.stm.apiUrl}`
      : `the STM API at ${config.stm.apiUrl}`;
    if (!options.json) this.print(`Reading stops and line variants from ${source}...`);
    const report = await this.service(CatalogImportService).import(options);
    if (options.json) {
      this.json(report);
      return EXIT.ok;
    }
    const verb = report.applied ? '' : ' (dry run: nothing written)';
    const removedVerb = report.pruned && report.applied ? 'removed' : 'no longer listed (kept; --prune deletes them)';
    const line = (what: string, t: TableReport): string[] => [
      `${what}: ${t.upstream} from the API${t.malformed ? `, ${t.malformed} malformed item(s) skipped` : ''}`,
      `  added ${t.added}${t.examples.added.length ? ` (${t.examples.added.join(', ')}${t.added > 10 ? ', …' : ''})` : ''}`,
      `  changed ${t.changed}${t.examples.changed.length ? ` (${t.examples.changed.join(', ')}${t.changed > 10 ? ', …' : ''})` : ''}`,
      `  ${removedVerb} ${t.removed}${t.examples.removed.length ? ` (${t.examples.removed.join(', ')}${t.removed > 10 ? ', …' : ''})` : ''}`,
      `  unchanged ${t.unchanged}`,
    ];
    this.print(`Catalogue import${verb}`, ...line('Stops', report.stops), ...line('Line variants', report.variants));
    return EXIT.ok;
  }
}
