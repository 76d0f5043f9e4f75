import { Command, Option } from 'nest-commander';
import { readSimulatorConfig, SimulatorConfigError } from '../../simulator/simulator-config';
import { startSimulatorServer } from '../../simulator/simulator-server';
import { CliCommand, CliUsageError, EXIT, positiveInt } from '../cli-command';

interface SimOptions {
  port?: string;
  seed?: string;
  timeScale?: string;
}

/** The STM simulator alone (the same server as `npm run sim`), until Ctrl-C or SIGTERM. */
@Command({ name: 'sim', description: 'run the STM simulator alone (SIMULATOR_* variables apply; options override)' })
export class SimCommand extends CliCommand {
  protected override timeoutMs = null;

  @Option({
    flags: '--port <port>',
    description: 'port to listen on (0: any free port); default SIMULATOR_PORT or 3001',
  })
  parsePort(value: string): string {
    return value;
  }

  @Option({ flags: '--seed <seed>', description: 'traffic seed (same seed, same buses)' })
  parseSeed(value: string): string {
    return value;
  }

  @Option({ flags: '--time-scale <n>', description: 'simulated seconds per real second' })
  parseTimeScale(value: string): string {
    return value;
  }

  protected async execute(_params: string[], options: SimOptions): Promise<number> {
    const overrides: Record<string, string> = {};
    if (options.port !== undefined)
      overrides.SIMULATOR_PORT = options.port === '0' ? '0' : String(positiveInt('--port', options.port, 65535));
    if (options.seed !== undefined) overrides.SIMULATOR_SEED = options.seed;
    if (options.timeScale !== undefined) overrides.SIMULATOR_TIME_SCALE = options.timeScale;
    let config;
    try {
      // The simulator reads its own settings from the environment (it runs without the product's config).
      config = readSimulatorConfig({ ...process.env, ...overrides });
    } catch (error) {
      if (error instanceof SimulatorConfigError) throw new CliUsageError(error.message);
      throw error;
    }
    // Listen for the stop signal before starting: a Ctrl-C during start-up still closes cleanly.
    const stopped = new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    const running = await startSimulatorServer(config);
    this.print(
      `STM simulator listening on ${running.url} (seed ${config.seed}, time scale ${config.timeScale}, ` +
        `${running.simulator.simulatedLines().length} lines simulated). Ctrl-C stops it.`,
    );
    const signal = await stopped;
    this.print(`${signal} received: closing the simulator`);
    await running.close();
    return EXIT.ok;
  }
}
