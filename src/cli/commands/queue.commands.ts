import { Command, Option } from 'nest-commander';
import { AppConfig } from '../../config/app-config';
import { WorkerSnapshots } from '../../metrics/worker-snapshots';
import { CLEANABLE_STATES, CleanableState, JOB_STATES, QueueAdminService } from '../../queue/queue-admin.service';
import { formatDuration, parseDuration } from '../../shared/duration';
import { CliCommand, CliUsageError, EXIT, positiveInt } from '../cli-command';
import { ago, describeJobId, megabytes, short, table } from '../cli-format';

interface JsonOption {
  json?: boolean;
}

@Command({ name: 'queue:status', description: 'job counts by state, paused or not, and the live workers' })
export class QueueStatusCommand extends CliCommand {
  @Option({ flags: '--json', description: 'print JSON instead of text' })
  parseJson(): boolean {
    return true;
  }

  protected async execute(_params: string[], options: JsonOption): Promise<number> {
    const overview = await this.service(QueueAdminService).overview();
    const snapshots = await this.service(WorkerSnapshots)
      .readAll()
      .catch(() => []);
    const memory = new Map(snapshots.map((s) => [`${s.host}:${s.pid}`, s.memory]));
    const workers = overview.workers.map((w) => ({ ...w, memory: memory.get(`${w.host}:${w.pid}`) ?? null }));
    if (options.json) {
      this.json({ ...overview, workers });
      return EXIT.ok;
    }
    const now = new Date();
    const prefix = this.service(AppConfig).queuePrefix;
    this.print(
      `Queue "tracking" (Redis prefix ${prefix}): ${overview.paused ? 'PAUSED, no worker takes ticks (resume: POST /api/queue/resume)' : 'running'}`,
      ...table(JOB_STATES.map((s) => [s, overview.counts[s]])),
      '',
    );
    if (!workers.length) {
      this.print(
        'Workers alive: none. Ticks are not running: start one with `npm run start:worker` (or node dist/worker).',
      );
      return EXIT.ok;
    }
    this.print(
      `Workers alive: ${workers.length}`,
      ...table([
        ['ID', 'HOST', 'PID', 'CONCURRENCY', 'STARTED', 'LAST BEAT', 'MEMORY (RSS / HEAP)'],
        ...workers.map((w) => [
          short(w.id),
          w.host,
          w.pid,
          w.concurrency,
          ago(w.startedAt, now),
          ago(w.lastBeatAt, now),
          w.memory ? `${megabytes(w.memory.rssBytes)} / ${megabytes(w.memory.heapUsedBytes)}` : '?',
        ]),
      ]),
    );
    return EXIT.ok;
  }
}

@Command({ name: 'queue:failed', description: 'failed jobs, newest first, with why they failed' })
export class QueueFailedCommand extends CliCommand {
  @Option({ flags: '--limit <n>', description: 'how many (default 20)' })
  parseLimit(value: string): string {
    return value;
  }

  @Option({ flags: '--json', description: 'print JSON instead of text' })
  parseJson(): boolean {
    return true;
  }

  protected async execute(_params: string[], options: JsonOption & { limit?: string }): Promise<number> {
    const limit = options.limit === undefined ? 20 : positiveInt('--limit', options.limit, 500);
    const jobs = await this.service(QueueAdminService).jobs('failed', limit);
    if (options.json) {
      this.json(jobs);
      return EXIT.ok;
    }
    if (!jobs.length) {
      this.print('No failed jobs.');
      return EXIT.ok;
    }
    const now = new Date();
    this.print(`${jobs.length} failed job(s), newest first:`);
    for (const job of jobs) {
      this.print(
        `  ${job.id}  (${describeJobId(job.id)})  failed ${ago(job.finishedAt, now)} after ${job.attemptsMade} of ${job.attempts} attempt(s)`,
        `      ${job.failedReason ?? 'no reason recorded'}`,
      );
    }
    this.print('', 'Run one again: npm run cli -- queue:retry <id>   (all of them: queue:retry --all)');
    return EXIT.ok;
  }
}

@Command({
  name: 'queue:retry',
  arguments: '[ids...]',
  description: 'run failed jobs again (their ids, or --all)',
})
export class QueueRetryCommand extends CliCommand {
  @Option({ flags: '--all', description: 'retry every failed job' })
  parseAll(): boolean {
    return true;
  }

  protected async execute(ids: string[], options: { all?: boolean }): Promise<number> {
    const admin = this.service(QueueAdminService);
    if (options.all) {
      if (ids.length) throw new CliUsageError('give job ids or --all, not both');
      const retried = await admin.retryFailed();
      this.print(retried.length ? `Retried ${retried.length} failed job(s).` : 'No failed jobs to retry.');
      return EXIT.ok;
    }
    if (!ids.length) throw new CliUsageError('give the id of a failed job (see queue:failed), or --all');
    for (const id of ids) {
      const job = await admin.retry(id);
      this.print(`Retried ${id} (${describeJobId(id)}): now ${job.state}.`);
    }
    return EXIT.ok;
  }
}

@Command({ name: 'queue:clean', description: 'remove completed and/or failed jobs older than a duration' })
export class QueueCleanCommand extends CliCommand {
  @Option({ flags: '--older-than <duration>', description: 'e.g. 1d, 12h, 30m, 0s (required)' })
  parseOlderThan(value: string): string {
    return value;
  }

  @Option({ flags: '--state <state>', description: 'completed, failed or all (default all)' })
  parseState(value: string): string {
    return value;
  }

  protected async execute(_params: string[], options: { olderThan?: string; state?: string }): Promise<number> {
    if (options.olderThan === undefined) throw new CliUsageError('--older-than is required, e.g. --older-than 1d');
    const ms = parseDuration(options.olderThan);
    if (ms === undefined)
      throw new CliUsageError(`--older-than must be a duration such as 1d, 12h or 30m, got "${options.olderThan}"`);
    const state = options.state ?? 'all';
    if (state !== 'all' && !CLEANABLE_STATES.includes(state as CleanableState)) {
      throw new CliUsageError(
        `--state must be completed, failed or all, got "${state}" (pending ticks are never cleaned)`,
      );
    }
    const states = state === 'all' ? CLEANABLE_STATES : [state as CleanableState];
    const admin = this.service(QueueAdminService);
    for (const s of states) {
      const removed = await admin.clean(s, ms);
      this.print(`Removed ${removed} ${s} job(s) that finished more than ${formatDuration(ms)} ago.`);
    }
    return EXIT.ok;
  }
}
