import { Observable, OperatorFunction } from 'rxjs';

/**
 * Emits `beat` every `periodMs` for as long as the source runs, and ends with it. Used for SSE
 * comment lines: proxies and load balancers close connections that stay silent for a minute or so,
 * and a tick can be far apart from the next when a tracking is slow or its worker is down.
 */
export function withHeartbeat<T, B>(periodMs: number, beat: B): OperatorFunction<T, T | B> {
  return (source) =>
    new Observable<T | B>((subscriber) => {
      const timer = setInterval(() => subscriber.next(beat), periodMs);
      const subscription = source.subscribe({
        next: (value) => subscriber.next(value),
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        clearInterval(timer);
        subscription.unsubscribe();
      };
    });
}
