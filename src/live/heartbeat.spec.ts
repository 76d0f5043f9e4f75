import { Subject } from 'rxjs';
import { withHeartbeat } from './heartbeat';

describe('withHeartbeat', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('adds a beat every period between the values of the source', () => {
    const source = new Subject<string>();
    const seen: string[] = [];
    const subscription = source.pipe(withHeartbeat(1000, 'beat')).subscribe((v) => seen.push(v));
    source.next('a');
    jest.advanceTimersByTime(2500);
    source.next('b');
    jest.advanceTimersByTime(1000);
    expect(seen).toEqual(['a', 'beat', 'beat', 'b', 'beat']);
    subscription.unsubscribe();
  });

  it('stops beating when the source completes', () => {
    const source = new Subject<string>();
    const seen: string[] = [];
    let completed = false;
    source
      .pipe(withHeartbeat(1000, 'beat'))
      .subscribe({ next: (v) => seen.push(v), complete: () => (completed = true) });
    source.complete();
    jest.advanceTimersByTime(5000);
    expect(completed).toBe(true);
    expect(seen).toEqual([]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('stops beating and leaves the source when the viewer leaves', () => {
    const source = new Subject<string>();
    const subscription = source.pipe(withHeartbeat(1000, 'beat')).subscribe();
    expect(source.observed).toBe(true);
    subscription.unsubscribe();
    expect(source.observed).toBe(false);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('passes errors through and stops beating', () => {
    const source = new Subject<string>();
    let error: unknown;
    source.pipe(withHeartbeat(1000, 'beat')).subscribe({ error: (e: unknown) => (error = e) });
    source.error(new Error('gone'));
    expect((error as Error).message).toBe('gone');
    expect(jest.getTimerCount()).toBe(0);
  });
});
