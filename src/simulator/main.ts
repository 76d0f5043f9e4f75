import { ARRIVALS_PATH } from './arrivals-route';
import { activeFaults } from './faults';
import { FAULTS_ADMIN_PATH } from './faults-admin';
import { readSimulatorConfig, SimulatorConfigError, type SimulatorConfig } from './simulator-config';
import { startSimulatorServer } from './simulator-server';

/**
 * Standalone STM simulator: `node dist/simulator/main` or `ts-node src/simulator/main.ts`.
 * Faults can be switched at run time, without authentication, through `/_sim/faults` (see faults-admin.ts):
 * it is a test tool, so keep it on 127.0.0.1 (the default SIMULATOR_HOST) or another private network.
 */
async function main(): Promise<void> {
  let config: SimulatorConfig;
  try {
    config = readSimulatorConfig(process.env);
  } catch (error) {
    if (!(error instanceof SimulatorConfigError)) throw error;
    console.error(`STM simulator: ${error.message}`);
    process.exit(1);
  }
  const running = await startSimulatorServer(config);
  const lines = running.simulator.simulatedLines().length;
  console.log(
    `STM simulator listening on ${running.url} (seed ${config.seed}, time scale ${config.timeScale}, ${lines} lines simulated)`,
  );
  const faults = activeFaults(running.faults());
  if (Object.keys(faults).length > 0) console.log(`STM simulator: injecting faults ${JSON.stringify(faults)}`);
  console.log(`STM simulator: fault injection at ${running.url}${FAULTS_ADMIN_PATH} (GET, PUT, DELETE; no auth)`);
  console.log(`STM simulator: true arrivals at ${running.url}${ARRIVALS_PATH}?stopId=…&from=…&to=… (no auth)`);

  const shutdown = (signal: NodeJS.Signals): void => {
    console.log(`STM simulator: ${signal} received, closing`);
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('STM simulator: error while closing', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const inUse = (error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE';
  const hint = inUse ? ' (choose another SIMULATOR_PORT, or 0 for any free port)' : '';
  console.error(`STM simulator failed to start: ${message}${hint}`);
  process.exit(1);
});
