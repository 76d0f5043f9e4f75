import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { Job, JobCounts, Queue } from 'bull';
import { cleanFinished } from './finished-jobs';
import { TrackBusesJobData, TRACKING_QUEUE } from './queue.constants';
import { JobNotFoundError, JobStateError } from './queue-admin.errors';
import { WorkerInfo, WorkerRegistry } from './worker-registry';

export const JOB_STATES = ['waiting', 'active', 'delayed', 'completed', 'failed', 'paused'] as const;
export type JobState = (typeof JOB_STATES)[number];
/** Only finished jobs are cleaned: pending ones are the trackings' chains (the reconciler would re-create them). */
export const CLEANABLE_STATES = ['completed', 'failed'] as const;
export type CleanableState = (typeof CLEANABLE_STATES)[number];

export interface QueueOverview {
  counts: Record<JobState, number>;
  /** Paused for every worker (POST /api/queue/pause); jobs wait until resumed. */
  paused: boolean;
  workers: WorkerInfo[];
}

export interface JobView {
  id: string;
  name: string;
  state: JobState | 'stuck' | 'unknown';
  data: unknown;
  attemptsMade: number;
  attempts: number;
  failedReason: string | null;
  returnValue: unknown;
  createdAt: string;
  /** When a delayed job becomes due. */
  dueAt: string | null;
  processedAt: string | null;
  finishedAt: string | null;
}

const iso = (ms: number | null | undefined): string | null => (ms ? new Date(ms).toISOString() : null);

export function toJobView(job: Job, state: JobView['state']): JobView {
  const delay = job.opts?.delay ?? 0;
  return {
    id: String(job.id),
    name: job.name,
    state,
    data: job.data as unknown,
    attemptsMade: job.attemptsMade,
    attempts: job.opts?.attempts ?? 1,
    failedReason: job.failedReason ?? null,
    returnValue: (job.returnvalue as unknown) ?? null,
    createdAt: new Date(job.timestamp).toISOString(),
    dueAt: state === 'delayed' ? iso(job.timestamp + delay) : null,
    processedAt: iso(job.processedOn),
    finishedAt: iso(job.finishedOn),
  };
}

/**
 * What an operator does with the queue, from HTTP (queue-admin.controller) and the CLI alike:
 * counts, live workers, jobs by state, retry, remove, clean, pause and resume.
 */
@Injectable()
export class QueueAdminService {
  private readonly logger = new Logger(QueueAdminService.name);

  constructor(
    @InjectQueue(TRACKING_QUEUE) private readonly queue: Queue<TrackBusesJobData>,
    private readonly workers: WorkerRegistry,
  ) {}

  async overview(): Promise<QueueOverview> {
    const [counts, paused, workers] = await Promise.all([
      this.counts(),
      this.queue.isPaused(),
      this.workers.liveWorkers(),
    ]);
    return { counts, paused, workers };
  }

  /** Job counts per state, read in one MULTI (Bull's getJobCounts without arguments asks for every state). */
  async counts(): Promise<Record<JobState, number>> {
    const raw = (await this.queue.getJobCounts()) as JobCounts & { paused?: number };
    return Object.fromEntries(JOB_STATES.map((s) => [s, Number(raw[s] ?? 0)])) as Record<JobState, number>;
  }

  /** Jobs in one state, newest first for finished ones. */
  async jobs(state: JobState, limit = 20): Promise<JobView[]> {
    const newestFirst = state === 'completed' || state === 'failed';
    const jobs = await this.queue.getJobs([state], 0, limit - 1, !newestFirst);
    return jobs.filter((j): j is Job<TrackBusesJobData> => Boolean(j)).map((j) => toJobView(j, state));
  }

  async job(id: string): Promise<JobView> {
    const job = await this.find(id);
    return toJobView(job, await this.stateOf(job));
  }

  /**
   * Runs a failed job again: it goes back to waiting (answered as such: a worker may take it a moment
   * later). A tick of an ended tracking just ends its chain when it runs.
   */
  async retry(id: string): Promise<JobView> {
    const job = await this.find(id);
    const state = await this.stateOf(job);
    if (state !== 'failed') throw new JobStateError(`Job ${id} is ${state}; only failed jobs can be retried`);
    await job.retry();
    this.logger.log(`Job ${id} retried by an operator`);
    return toJobView(job, 'waiting');
  }

  /** Retries every failed job (up to `limit`); returns the ids retried. */
  async retryFailed(limit = 1000): Promise<string[]> {
    const failed = (await this.queue.getFailed(0, limit - 1)).filter(Boolean);
    const retried: string[] = [];
    for (const job of failed) {
      try {
        await job.retry();
        retried.push(String(job.id));
      } catch (error) {
        // Retried by someone else meanwhile, or trimmed: nothing to do for this one.
        this.logger.debug(`Job ${String(job.id)} not retried: ${(error as Error).message}`);
      }
    }
    if (retried.length) this.logger.log(`${retried.length} failed job(s) retried by an operator`);
    return retried;
  }

  /**
   * Removes a job that is not running. Removing the pending tick of an active tracking only delays
   * it: the reconciler re-creates missing ticks within RECONCILE_SECONDS (stop the tracking instead).
   */
  async remove(id: string): Promise<JobView> {
    const job = await this.find(id);
    const state = await this.stateOf(job);
    if (state === 'active') throw new JobStateError(`Job ${id} is running; it can be removed once it finishes`);
    const view = toJobView(job, state);
    await job.remove();
    this.logger.log(`Job ${id} (${state}) removed by an operator`);
    return view;
  }

  /** Removes finished jobs of a state older than `olderThanMs`; returns how many. */
  async clean(state: CleanableState, olderThanMs: number): Promise<number> {
    const removed = await cleanFinished(this.queue, state, olderThanMs);
    if (removed) this.logger.log(`Cleaned ${removed} ${state} job(s) older than ${olderThanMs} ms`);
    return removed;
  }

  async pause(): Promise<boolean> {
    await this.queue.pause();
    this.logger.warn('Queue paused by an operator: no worker takes ticks until it is resumed');
    return this.queue.isPaused();
  }

  async resume(): Promise<boolean> {
    await this.queue.resume();
    this.logger.log('Queue resumed by an operator');
    return this.queue.isPaused();
  }

  private async find(id: string): Promise<Job<TrackBusesJobData>> {
    const job = await this.queue.getJob(id);
    if (!job) throw new JobNotFoundError(id);
    return job;
  }

  private async stateOf(job: Job): Promise<JobView['state']> {
    const state = await job.getState();
    return JOB_STATES.includes(state as JobState) || state === 'stuck' ? state : 'unknown';
  }
}
