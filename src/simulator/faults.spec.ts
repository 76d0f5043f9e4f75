import {
  CORRUPTIONS,
  corruptVehicle,
  decideCorruption,
  decideRequestFault,
  type Corruption,
  type RequestFaultDecision,
} from './fault-decisions';
import {
  activeFaults,
  DEFAULT_HANG_MS,
  FaultsValidationError,
  mergeFaults,
  NO_FAULTS,
  validateFaultsPatch,
  type FaultsPatch,
} from './faults';
import { streamFor } from './prng';
import type { SimVehicle } from './sim-types';

const DRAWS = 20_000;
/** Binomial standard deviation at 20 000 draws is at most 0.0036; 0.015 is over four of them. */
const TOLERANCE = 0.015;

const faults = (patch: FaultsPatch = {}) => mergeFaults(NO_FAULTS, patch);

/** `DRAWS` decisions, each from its own seeded stream as the injector does. */
function decisions(patch: FaultsPatch, seed = 7): RequestFaultDecision[] {
  const settings = faults(patch);
  return Array.from({ length: DRAWS }, (_, i) => decideRequestFault(settings, streamFor(seed, i)));
}

const share = (items: RequestFaultDecision[], kind: string): number =>
  items.filter((d) => d.fault.kind === kind).length / items.length;

const vehicle: SimVehicle = {
  eType: 'buses',
  company: 'CUTCSA',
  timestamp: '2025-11-15T13:14:07.000-03',
  busId: 1104,
  line: '183',
  lineVariantId: 8389,
  location: { type: 'Point', coordinates: [-56.1645, -34.9011] },
  origin: 'Pocitos',
  destination: 'Instrucciones',
  subline: 'Pocitos - Instrucciones',
  special: false,
  speed: 23,
  access: null,
  thermalConfort: null,
  emissions: null,
};

describe('validateFaultsPatch', () => {
  it('accepts every setting within range and returns the same object', () => {
    const patch = {
      errorRate: 0.2,
      timeoutRate: 0,
      hangMs: 500,
      latencyMs: 12.5,
      latencyJitterMs: 0,
      rateLimit: { burst: 3, retryAfterSeconds: 2 },
      rateLimitRate: 1,
      rejectTokens: true,
      tokenLifetimeSeconds: 2,
      malformedRate: 0.5,
      emptyLists: false,
    };
    expect(validateFaultsPatch(patch)).toBe(patch);
    expect(validateFaultsPatch({})).toEqual({});
    expect(validateFaultsPatch({ rateLimit: { burst: 1 } })).toEqual({ rateLimit: { burst: 1 } });
  });

  it.each([
    [{ errorRate: 1.5 }, 'errorRate must be a number from 0 to 1, got 1.5'],
    [{ timeoutRate: -0.1 }, 'timeoutRate must be a number from 0 to 1'],
    [{ malformedRate: '0.5' }, 'malformedRate must be a number from 0 to 1, got "0.5"'],
    [{ rateLimitRate: null }, 'rateLimitRate must be a number from 0 to 1, got null'],
    [{ latencyMs: -1 }, 'latencyMs must be a non-negative number'],
    [{ hangMs: Number.POSITIVE_INFINITY }, 'hangMs must be a non-negative number'],
    [{ tokenLifetimeSeconds: 0 }, 'tokenLifetimeSeconds must be a whole number of at least 1'],
    [{ tokenLifetimeSeconds: 1.5 }, 'tokenLifetimeSeconds must be a whole number of at least 1'],
    [{ rejectTokens: 'yes' }, 'rejectTokens must be true or false'],
    [{ rateLimit: 3 }, 'rateLimit must be an object'],
    [{ rateLimit: { burst: -1 } }, 'rateLimit.burst must be a non-negative whole number'],
    [{ rateLimit: { retryAfterSeconds: 0.5 } }, 'rateLimit.retryAfterSeconds must be a non-negative whole number'],
    [{ rateLimit: { burst: 1, every: 2 } }, 'unknown fault setting(s): rateLimit.every'],
    [{ errorrate: 0.1, latency: 5 }, 'unknown fault setting(s): errorrate, latency'],
    [[], 'faults must be a JSON object'],
    [null, 'faults must be a JSON object'],
    ['errorRate=1', 'faults must be a JSON object'],
  ])('rejects %j saying why', (input, message) => {
    expect(() => validateFaultsPatch(input)).toThrow(FaultsValidationError);
    expect(() => validateFaultsPatch(input)).toThrow(message);
  });

  it('lists every problem at once', () => {
    expect(() => validateFaultsPatch({ errorRate: 2, bogus: true, emptyLists: 1 })).toThrow(
      'unknown fault setting(s): bogus; errorRate must be a number from 0 to 1, got 2; emptyLists must be true or false, got 1',
    );
  });

  it('treats an undefined value as absent', () => {
    expect(() => validateFaultsPatch({ errorRate: undefined, rateLimit: undefined })).not.toThrow();
  });
});

describe('mergeFaults', () => {
  it('applies a patch over the current settings without touching either', () => {
    const current = faults({ errorRate: 0.3, rateLimit: { burst: 2, retryAfterSeconds: 5 } });
    const patch: FaultsPatch = { latencyMs: 40, rateLimit: { burst: 7 }, errorRate: undefined };
    const merged = mergeFaults(current, patch);
    expect(merged).toEqual({ ...current, latencyMs: 40, rateLimit: { burst: 7, retryAfterSeconds: 5 } });
    expect(current.rateLimit).toEqual({ burst: 2, retryAfterSeconds: 5 });
    expect(patch).toEqual({ latencyMs: 40, rateLimit: { burst: 7 }, errorRate: undefined });
    expect(merged.rateLimit).not.toBe(current.rateLimit);
  });

  it('starts from a well-behaved API with the real token lifetime and a 15 s hang', () => {
    expect(NO_FAULTS).toMatchObject({ errorRate: 0, tokenLifetimeSeconds: 300, hangMs: DEFAULT_HANG_MS });
    expect(DEFAULT_HANG_MS).toBe(15_000);
    expect(activeFaults(NO_FAULTS)).toEqual({});
  });
});

describe('activeFaults', () => {
  it('lists only the settings that differ from no faults', () => {
    const settings = faults({ errorRate: 0.1, rateLimit: { burst: 2 }, emptyLists: false });
    expect(activeFaults(settings)).toEqual({ errorRate: 0.1, rateLimit: { burst: 2, retryAfterSeconds: 1 } });
  });
});

describe('decideRequestFault', () => {
  it('never injects anything with no faults', () => {
    expect(decisions({}).every((d) => d.fault.kind === 'none' && d.delayMs === 0)).toBe(true);
  });

  it.each([
    ['serverError', { errorRate: 0.1 }, 0.1],
    ['serverError', { errorRate: 0.5 }, 0.5],
    ['timeout', { timeoutRate: 0.25 }, 0.25],
    ['rateLimited', { rateLimitRate: 0.05 }, 0.05],
  ])('injects %s in the configured share of requests (%j)', (kind, patch, expected) => {
    expect(Math.abs(share(decisions(patch), kind) - expected)).toBeLessThan(TOLERANCE);
  });

  it('honours each rate exactly when several are on, as long as they sum to at most 1', () => {
    const all = decisions({ rateLimitRate: 0.1, timeoutRate: 0.2, errorRate: 0.3 });
    expect(Math.abs(share(all, 'rateLimited') - 0.1)).toBeLessThan(TOLERANCE);
    expect(Math.abs(share(all, 'timeout') - 0.2)).toBeLessThan(TOLERANCE);
    expect(Math.abs(share(all, 'serverError') - 0.3)).toBeLessThan(TOLERANCE);
    expect(Math.abs(share(all, 'none') - 0.4)).toBeLessThan(TOLERANCE);
  });

  it('fails every request at rate 1', () => {
    expect(share(decisions({ errorRate: 1 }), 'serverError')).toBe(1);
    expect(share(decisions({ timeoutRate: 1, hangMs: 300 }), 'timeout')).toBe(1);
  });

  it('answers 500, 502 and 503 in about equal shares', () => {
    const errors = decisions({ errorRate: 1 }).map((d) => (d.fault.kind === 'serverError' ? d.fault.status : 0));
    for (const status of [500, 502, 503]) {
      const statusShare = errors.filter((s) => s === status).length / errors.length;
      expect(Math.abs(statusShare - 1 / 3)).toBeLessThan(TOLERANCE);
    }
    expect(errors.every((s) => s === 500 || s === 502 || s === 503)).toBe(true);
  });

  it('rate-limits from the burst first, with its Retry-After, whatever the other rates', () => {
    const settings = faults({ errorRate: 1, rateLimit: { burst: 1, retryAfterSeconds: 4 } });
    expect(decideRequestFault(settings, streamFor(1)).fault).toEqual({
      kind: 'rateLimited',
      retryAfterSeconds: 4,
      fromBurst: true,
    });
  });

  it('gives random 429s the burst Retry-After', () => {
    const settings = faults({ rateLimitRate: 1, rateLimit: { burst: 0, retryAfterSeconds: 9 } });
    expect(decideRequestFault(settings, streamFor(1)).fault).toEqual({
      kind: 'rateLimited',
      retryAfterSeconds: 9,
      fromBurst: false,
    });
  });

  it('holds timeouts for hangMs', () => {
    const settings = faults({ timeoutRate: 1, hangMs: 1234 });
    expect(decideRequestFault(settings, streamFor(1)).fault).toEqual({ kind: 'timeout', hangMs: 1234 });
  });

  it('delays by latencyMs plus up to latencyJitterMs, spread over the range', () => {
    const delays = decisions({ latencyMs: 100, latencyJitterMs: 50 }).map((d) => d.delayMs);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...delays)).toBeLessThan(150);
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
    expect(Math.abs(mean - 125)).toBeLessThan(1);
    expect(decisions({ latencyMs: 30 }).every((d) => d.delayMs === 30)).toBe(true);
  });

  it('decides the same for the same seed, and differently for another', () => {
    const patch = { errorRate: 0.3, timeoutRate: 0.1, latencyJitterMs: 10 };
    expect(decisions(patch, 5)).toEqual(decisions(patch, 5));
    const kinds = (seed: number) => decisions(patch, seed).map((d) => d.fault.kind);
    expect(kinds(5)).not.toEqual(kinds(6));
  });
});

describe('decideCorruption', () => {
  const corruptions = (rate: number, seed = 3): (Corruption | undefined)[] =>
    Array.from({ length: DRAWS }, (_, i) => decideCorruption(rate, streamFor(seed, i)));

  it.each([0.05, 0.5])('corrupts about %p of the items', (rate) => {
    const corrupted = corruptions(rate).filter((c) => c !== undefined).length / DRAWS;
    expect(Math.abs(corrupted - rate)).toBeLessThan(TOLERANCE);
  });

  it('corrupts none at 0 and all at 1', () => {
    expect(corruptions(0).every((c) => c === undefined)).toBe(true);
    expect(corruptions(1).every((c) => c !== undefined)).toBe(true);
  });

  it('uses every corruption in about equal shares', () => {
    const all = corruptions(1);
    for (const kind of CORRUPTIONS) {
      const kindShare = all.filter((c) => c === kind).length / DRAWS;
      expect(Math.abs(kindShare - 1 / CORRUPTIONS.length)).toBeLessThan(TOLERANCE);
    }
  });

  it('is deterministic for a seed', () => {
    expect(corruptions(0.3, 11)).toEqual(corruptions(0.3, 11));
    expect(corruptions(0.3, 11)).not.toEqual(corruptions(0.3, 12));
  });
});

describe('corruptVehicle', () => {
  const original = structuredClone(vehicle);

  it.each<[Corruption, Record<string, unknown> | null]>([
    ['busIdAsString', { ...vehicle, busId: '1104' }],
    ['badTimestamp', { ...vehicle, timestamp: 'not-a-time' }],
    ['nullIsland', { ...vehicle, location: { type: 'Point', coordinates: [0, 0] } }],
    ['nullLocation', { ...vehicle, location: null }],
    ['nullItem', null],
  ])('%s changes only what it says', (corruption, expected) => {
    expect(corruptVehicle(vehicle, corruption)).toEqual(expected);
    expect(vehicle).toEqual(original);
  });

  it('missingBusId drops the key and keeps the rest', () => {
    const corrupted = corruptVehicle(vehicle, 'missingBusId')!;
    expect('busId' in corrupted).toBe(false);
    const { busId: _busId, ...rest } = vehicle;
    expect(corrupted).toEqual(rest);
    expect(vehicle).toEqual(original);
  });
});
