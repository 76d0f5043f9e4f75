import { Queue } from 'bull';

export type FinishedState = 'completed' | 'failed';

/** Removes finished jobs of a state that finished longer than `olderThanMs` ago; returns how many. */
export async function cleanFinished(queue: Queue, state: FinishedState, olderThanMs: number): Promise<number> {
  return (await queue.clean(olderThanMs, state)).length;
}

/** Keeps only the newest `keep` finished jobs of a state; returns how many were removed. */
export async function trimFinished(queue: Queue, state: FinishedState, keep: number): Promise<number> {
  const count = state === 'completed' ? await queue.getCompletedCount() : await queue.getFailedCount();
  if (count <= keep) return 0;
  // With a limit, Bull's clean takes the lowest finish times first: the oldest jobs go.
  return (await queue.clean(0, state, count - keep)).length;
}
