import { cliScope } from './cli.module';

describe('cliScope', () => {
  it.each<[string[], string]>([
    [[], 'none'],
    [['--help'], 'none'],
    [['queue:status', '--help'], 'none'],
    [['help', 'queue:status'], 'none'],
    [['sim', '--port', '0'], 'none'],
    [['queue:status'], 'queue'],
    [['queue:clean', '--older-than', '1d'], 'queue'],
    [['tracking:start', '--stop', '1478', '--lines', '147'], 'full'],
    [['catalog:import', '--dry-run'], 'full'],
    [['--json', 'tracking:status'], 'full'],
  ])('%j → %s', (argv, scope) => {
    expect(cliScope(argv)).toBe(scope);
  });
});
