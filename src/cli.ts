import 'reflect-metadata';
import 'dotenv/config';
import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { CommandFactory } from 'nest-commander';
import { CliModule, cliScope } from './cli/cli.module';
import { EXIT, exitForCommander } from './cli/cli-command';
import { ConfigValidationError } from './config/environment';
import { logLevels } from './shared/log-levels';

/** The CLI's own output is stdout; anything logged goes to stderr, so `--json | jq` stays clean. */
class StderrLogger extends ConsoleLogger {
  protected printMessages(messages: unknown[], context?: string, logLevel?: LogLevel): void {
    super.printMessages(messages, context, logLevel, 'stderr');
  }
}

async function main(): Promise<void> {
  // `npm run cli -- queue:status | head -3`: the reader went away; that is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.ok);
  });
  const argv = process.argv.slice(2);
  await CommandFactory.run(CliModule.forScope(cliScope(argv)), {
    cliName: 'bus-tracker',
    // Warnings and errors by default: LOG_LEVEL=log (or debug) shows what the modules do.
    logger: new StderrLogger({ logLevels: logLevels(process.env.LOG_LEVEL ?? 'warn') }),
    abortOnError: false,
    errorHandler: (error: Error) => exitForCommander(error as Error & { code?: string }),
    serviceErrorHandler: (error: Error) => {
      process.stderr.write(`error: ${error.message}\n`);
      process.exitCode = EXIT.failure;
    },
  });
}

main().catch((error: unknown) => {
  // Configuration and connection problems surface here, before any command runs.
  process.stderr.write(
    `error: ${error instanceof ConfigValidationError ? error.message : ((error as Error)?.message ?? String(error))}\n`,
  );
  process.exit(EXIT.failure);
});
