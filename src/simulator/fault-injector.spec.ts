import { FAULT_COUNT_NAMES, FaultInjector } from './fault-injector';
import { FaultsValidationError } from './faults';
import type { SimVehicle } from './sim-types';

const vehicles: SimVehicle[] = Array.from({ length: 200 }, (_, i) => ({
  eType: 'buses',
  company: 'CUTCSA',
  timestamp: '2025-11-15T13:14:07.000-03',
  busId: 1000 + i,
  line: '183',
  lineVariantId: 8389,
  location: { type: 'Point', coordinates: [-56.16, -34.9] },
  origin: 'Pocitos',
  destination: 'Instrucciones',
  subline: 'Pocitos - Instrucciones',
  special: false,
  speed: 20,
  access: null,
  thermalConfort: null,
  emissions: null,
}));

const kinds = (injector: FaultInjector, n: number): string[] =>
  Array.from({ length: n }, () => {
    const { fault } = injector.nextRequest();
    return fault.kind === 'serverError' ? String(fault.status) : fault.kind;
  });

describe('FaultInjector', () => {
  describe('constructor', () => {
    it('starts with the given faults over none, and every count at 0', () => {
      const injector = new FaultInjector(1, { errorRate: 0.5 });
      expect(injector.settings()).toMatchObject({ errorRate: 0.5, timeoutRate: 0, emptyLists: false });
      expect(injector.counts()).toEqual(Object.fromEntries(FAULT_COUNT_NAMES.map((n) => [n, 0])));
    });

    it('refuses bad initial faults', () => {
      expect(() => new FaultInjector(1, { errorRate: 2 })).toThrow(FaultsValidationError);
    });
  });

  describe('set', () => {
    it('merges, and changes nothing when the patch is bad', () => {
      const injector = new FaultInjector(1);
      injector.set({ errorRate: 0.2 });
      injector.set({ latencyMs: 10 });
      expect(() => injector.set({ errorRate: 0.9, nope: 1 })).toThrow('unknown fault setting(s): nope');
      expect(injector.settings()).toMatchObject({ errorRate: 0.2, latencyMs: 10 });
    });

    it('hands out copies', () => {
      const injector = new FaultInjector(1, { rateLimit: { burst: 2 } });
      injector.settings().rateLimit.burst = 99;
      expect(injector.settings().rateLimit.burst).toBe(2);
    });
  });

  describe('clear', () => {
    it('removes every fault but keeps the counts', () => {
      const injector = new FaultInjector(1, { errorRate: 1, rateLimit: { burst: 5 } });
      injector.nextRequest();
      expect(injector.clear()).toEqual(new FaultInjector(1).settings());
      expect(injector.counts().rateLimited).toBe(1);
      expect(kinds(injector, 20).every((k) => k === 'none')).toBe(true);
    });
  });

  describe('nextRequest', () => {
    it('answers exactly `burst` 429s, then goes back to the other faults', () => {
      const injector = new FaultInjector(1, { rateLimit: { burst: 3, retryAfterSeconds: 2 } });
      expect(kinds(injector, 6)).toEqual(['rateLimited', 'rateLimited', 'rateLimited', 'none', 'none', 'none']);
      expect(injector.settings().rateLimit).toEqual({ burst: 0, retryAfterSeconds: 2 });
      expect(injector.counts().rateLimited).toBe(3);
    });

    it('counts every fault it injects, by kind', () => {
      const injector = new FaultInjector(9, { errorRate: 0.3, timeoutRate: 0.2, latencyMs: 5 });
      const seen = kinds(injector, 500);
      const errors = seen.filter((k) => k === '500' || k === '502' || k === '503').length;
      expect(errors).toBeGreaterThan(100);
      expect(injector.counts()).toMatchObject({
        serverError: errors,
        timeout: seen.filter((k) => k === 'timeout').length,
        delayed: 500,
        rateLimited: 0,
      });
    });

    it('misbehaves the same way for the same seed, and differently for another', () => {
      const patch = { errorRate: 0.4, rateLimitRate: 0.1 };
      const a = kinds(new FaultInjector(42, patch), 100);
      expect(kinds(new FaultInjector(42, patch), 100)).toEqual(a);
      expect(kinds(new FaultInjector(43, patch), 100)).not.toEqual(a);
    });

    it('numbers requests from 1', () => {
      const injector = new FaultInjector(1);
      expect([injector.nextRequest().requestNo, injector.nextRequest().requestNo]).toEqual([1, 2]);
    });
  });

  describe('corruptVehicles', () => {
    it('returns the list untouched at rate 0', () => {
      expect(new FaultInjector(1).corruptVehicles(vehicles, 1)).toBe(vehicles);
    });

    it('corrupts about the configured share, keeps the rest as they were, and counts the corrupted', () => {
      const injector = new FaultInjector(1, { malformedRate: 0.5 });
      const served = injector.corruptVehicles(vehicles, 1);
      expect(served).toHaveLength(vehicles.length);
      const intact = served.filter((item, i) => item === vehicles[i]).length;
      const corrupted = vehicles.length - intact;
      expect(corrupted).toBeGreaterThan(70);
      expect(corrupted).toBeLessThan(130);
      expect(injector.counts().malformedItem).toBe(corrupted);
      expect(vehicles.every((v, i) => v.busId === 1000 + i && v.location !== null)).toBe(true);
    });

    it('picks the same items for the same seed and request, others for another request', () => {
      const corruptedAt = (seed: number, requestNo: number) =>
        new FaultInjector(seed, { malformedRate: 0.3 })
          .corruptVehicles(vehicles, requestNo)
          .flatMap((item, i) => (item === vehicles[i] ? [] : [i]));
      expect(corruptedAt(4, 1)).toEqual(corruptedAt(4, 1));
      expect(corruptedAt(4, 1)).not.toEqual(corruptedAt(4, 2));
    });
  });

  describe('tokenLifetimeSeconds', () => {
    it('is the real 300 s by default, and counts the shorter ones', () => {
      const injector = new FaultInjector(1);
      expect(injector.tokenLifetimeSeconds()).toBe(300);
      injector.set({ tokenLifetimeSeconds: 2 });
      expect(injector.tokenLifetimeSeconds()).toBe(2);
      expect(injector.counts().shortLivedToken).toBe(1);
    });
  });
});
