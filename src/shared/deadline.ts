/** The work did not finish in the time the caller could wait. */
export class DeadlineExceededError extends Error {}

/**
 * Resolves as `work` does, or rejects with DeadlineExceededError after `ms`: for a call on a request's path
 * to a service that may hang (Redis accepting connections and never answering). The work itself goes on.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceededError(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
