import { backoffCapMs, backoffMs, MAX_BACKOFF_MS, retryAfterMs } from './upstream-backoff';

describe('backoffMs', () => {
  it('doubles with each failure in a row, between half and all of the step', () => {
    expect(backoffMs(1, 0)).toBe(500);
    expect(backoffMs(1, 0.999)).toBeCloseTo(1000, -1);
    expect(backoffMs(2, 0)).toBe(1000);
    expect(backoffMs(4, 0.5)).toBe(6000);
  });

  it('never waits longer than two minutes, however many failures', () => {
    expect(backoffMs(8, 0.999)).toBeLessThanOrEqual(MAX_BACKOFF_MS);
    expect(backoffMs(1000, 0.999)).toBeLessThanOrEqual(MAX_BACKOFF_MS);
    expect(backoffMs(1000, 0)).toBe(MAX_BACKOFF_MS / 2);
  });

  it('caps at eight intervals when that is shorter', () => {
    expect(backoffCapMs(15_000)).toBe(MAX_BACKOFF_MS);
    expect(backoffCapMs(1_000)).toBe(8_000);
    expect(backoffMs(50, 0.999, backoffCapMs(1_000))).toBeLessThanOrEqual(8_000);
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-12-02T12:00:00Z');

  it('reads whole seconds', () => {
    expect(retryAfterMs('20', now)).toBe(20_000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs(['3600'], now)).toBe(3_600_000);
  });

  it('reads an HTTP date, a past one as now', () => {
    expect(retryAfterMs('Wed, 02 Dec 2026 12:01:30 GMT', now)).toBe(90_000);
    expect(retryAfterMs('Wed, 02 Dec 2026 11:00:00 GMT', now)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    expect(retryAfterMs(undefined, now)).toBeUndefined();
    expect(retryAfterMs('', now)).toBeUndefined();
    expect(retryAfterMs('-5', now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });
});
