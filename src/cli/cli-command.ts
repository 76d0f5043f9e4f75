import { Injectable, Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { CommandRunner } from 'nest-commander';
import { CatalogImportRefusedError } from '../catalog/catalog-import.service';
import { GtfsFeedError } from '../catalog/gtfs/gtfs-archive';
import { JobNotFoundError, JobStateError } from '../queue/queue-admin.errors';
import {
  InvalidTrackingRequestError,
  TrackingCapReachedError,
  TrackingNotFoundError,
  UnknownStopError,
} from '../tracking/tracking.errors';

/** Exit codes a shell can rely on (docs/operations.md lists them). */
export const EXIT = {
  ok: 0,
  /** Something went wrong on our side or in a service (Redis, database, STM API unreachable...). */
  failure: 1,
  /** The command line is wrong: unknown command or option, a bad value, an unknown line. */
  usage: 2,
  /** No such stop, tracking or job (where the API answers 404). */
  notFound: 3,
  /** Understood, but refused in the current state: a job that is not failed, the tracking cap, an unsafe prune. */
  refused: 4,
} as const;

/** Where commander stops (help shown, unknown option, missing argument): help is an answer, the rest a usage error. */
export function exitForCommander(error: { code?: string }): never {
  // 'commander.help' is help shown because no command was given: a usage error, unlike an asked-for --help.
  const answered = ['commander.helpDisplayed', 'commander.version'].includes(error.code ?? '');
  process.exit(answered ? EXIT.ok : EXIT.usage);
}

/** A wrong command line, said in words the user can act on. */
export class CliUsageError extends Error {}

export function exitCodeFor(error: unknown): number {
  if (error instanceof CliUsageError || error instanceof InvalidTrackingRequestError) return EXIT.usage;
  if (error instanceof UnknownStopError || error instanceof TrackingNotFoundError || error instanceof JobNotFoundError)
    return EXIT.notFound;
  if (error instanceof JobStateError || error instanceof TrackingCapReachedError) return EXIT.refused;
  if (error instanceof CatalogImportRefusedError || error instanceof GtfsFeedError) return EXIT.refused;
  return EXIT.failure;
}

/** Operators' commands finish in seconds; one that does not is waiting on a service that is away. */
const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Base of every command. Services are looked up when the command runs, not injected: `--help` and
 * `sim` start without Redis or a database, and queue:* commands without a database (cli.module.ts
 * gives each command only the infrastructure it needs).
 */
@Injectable()
export abstract class CliCommand extends CommandRunner {
  protected timeoutMs: number | null = DEFAULT_TIMEOUT_MS;

  constructor(private readonly moduleRef: ModuleRef) {
    super();
  }

  /** nest-commander builds each subcommand as its own commander Command, which exits 1 on errors by default. */
  override setCommand(command: Parameters<CommandRunner['setCommand']>[0]): this {
    command.exitOverride(exitForCommander);
    return super.setCommand(command);
  }

  protected service<T>(type: Type<T>): T {
    return this.moduleRef.get(type, { strict: false });
  }

  protected abstract execute(params: string[], options: Record<string, unknown>): Promise<number | void>;

  async run(params: string[], options: Record<string, unknown> = {}): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const work = this.execute(params, options);
      const code = this.timeoutMs
        ? await Promise.race([
            work,
            new Promise<never>((_, reject) => {
              timer = setTimeout(
                () =>
                  reject(
                    new Error(
                      `no answer within ${this.timeoutMs! / 1000} s: are Redis (REDIS_URL) and the database (DATABASE_URL) reachable?`,
                    ),
                  ),
                this.timeoutMs!,
              );
            }),
          ])
        : await work;
      process.exitCode = code ?? EXIT.ok;
    } catch (error) {
      process.exitCode = exitCodeFor(error);
      process.stderr.write(`error: ${(error as Error)?.message ?? String(error)}\n`);
    } finally {
      clearTimeout(timer);
    }
  }

  protected print(...lines: string[]): void {
    process.stdout.write(lines.map((l) => `${l}\n`).join(''));
  }

  protected json(value: unknown): void {
    process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  protected warn(line: string): void {
    process.stderr.write(`warning: ${line}\n`);
  }
}

/** Parses a positive whole number option, or says which option is wrong. */
export function positiveInt(name: string, value: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > max)
    throw new CliUsageError(`${name} must be a whole number from 1 to ${max}, got "${value}"`);
  return n;
}
