import { idleMs, LineFacts, LifecycleRules, trackingEnd, TrackingFacts } from './tracking-lifecycle';

const T0 = Date.parse('2026-12-02T12:00:00.000Z');
const at = (minutes: number): Date => new Date(T0 + minutes * 60_000);
const RULES: LifecycleRules = { idleMinutes: 5, maxMinutes: 120, credentialsRefusedSeconds: 60 };
const line = (extra: Partial<LineFacts> = {}): LineFacts => ({
  lastBusSeenAt: at(0),
  outageMs: 0,
  outageMsAtLastBus: 0,
  fromOutageMs: 0,
  credentialsRefusedSince: null,
  ...extra,
});
const facts = (extra: Partial<TrackingFacts> = {}): TrackingFacts => ({
  startedAt: at(0),
  stopId: 3227,
  stopKnown: true,
  anyLineKnown: true,
  lines: [line()],
  ...extra,
});

describe('trackingEnd', () => {
  it('goes on while buses are seen, the stop and a line exist and the maximum is not reached', () => {
    expect(trackingEnd(facts({ lines: [line({ lastBusSeenAt: at(100) })] }), at(101), RULES)).toBeNull();
  });

  it('stops at its rider’s request, before any other rule', () => {
    expect(trackingEnd(facts({ stopRequested: true, stopKnown: false }), at(1), RULES)).toEqual({
      status: 'stopped',
      reason: 'stopped by user',
    });
  });

  it('fails when its stop or every one of its lines left the catalogue', () => {
    expect(trackingEnd(facts({ stopKnown: false }), at(1), RULES)).toMatchObject({
      status: 'failed',
      reason: 'stop 3227 no longer exists in the catalogue',
    });
    expect(trackingEnd(facts({ anyLineKnown: false }), at(1), RULES)?.status).toBe('failed');
  });

  it('fails for refused credentials only after a minute of refusals', () => {
    const refused = facts({ lines: [line({ lastBusSeenAt: at(10), credentialsRefusedSince: at(10) })] });
    expect(trackingEnd(refused, at(10.9), RULES)).toBeNull();
    expect(trackingEnd(refused, at(11), RULES)).toEqual({ status: 'failed', reason: 'STM credentials refused' });
  });

  it('expires at its maximum duration', () => {
    const busy = facts({ lines: [line({ lastBusSeenAt: at(119.9) })] });
    expect(trackingEnd(busy, at(119.95), RULES)).toBeNull();
    expect(trackingEnd(busy, at(120), RULES)?.reason).toBe('reached the maximum duration of 120 minutes');
  });

  it('expires after the idle minutes without a bus of any of its lines', () => {
    expect(trackingEnd(facts(), at(4.9), RULES)).toBeNull();
    expect(trackingEnd(facts(), at(5), RULES)).toEqual({
      status: 'expired',
      reason: 'no bus of the tracked lines seen for 5 minutes',
    });
  });

  it('is as idle as its least idle line', () => {
    const two = facts({ lines: [line({ lastBusSeenAt: null }), line({ lastBusSeenAt: at(3) })] });
    expect(trackingEnd(two, at(7), RULES)).toBeNull();
    expect(trackingEnd(two, at(8), RULES)?.status).toBe('expired');
  });
});

describe('idleMs', () => {
  it('leaves out the outage time since the last bus', () => {
    // Last bus at minute 1, then 10 minutes of outage (outageMs 0 → 600,000), now minute 13: idle 2 minutes.
    const f = facts({ lines: [line({ lastBusSeenAt: at(1), outageMs: 600_000, outageMsAtLastBus: 0 })] });
    expect(idleMs(f, at(13))).toBe(2 * 60_000);
  });

  it('counts from the start when the last bus came before it, leaving out the outages since the start', () => {
    // The line last saw a bus 20 minutes before the start; the tracking's whole life was an outage.
    const f = facts({
      startedAt: at(0),
      lines: [line({ lastBusSeenAt: at(-20), outageMs: 900_000, outageMsAtLastBus: 0, fromOutageMs: 300_000 })],
    });
    expect(idleMs(f, at(10))).toBe(0);
    expect(trackingEnd(f, at(10), RULES)).toBeNull();
  });

  it('counts from the start for a line that never ticked', () => {
    expect(idleMs(facts({ lines: [] }), at(3))).toBe(3 * 60_000);
  });
});
