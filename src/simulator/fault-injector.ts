import { corruptVehicle, decideCorruption, decideRequestFault, type RequestFaultDecision } from './fault-decisions';
import { mergeFaults, NO_FAULTS, validateFaultsPatch, type FaultsPatch, type SimulatorFaults } from './faults';
import { streamFor } from './prng';
import type { SimVehicle } from './sim-types';
import { TOKEN_LIFETIME_SECONDS } from './token-store';

/** What `faultCounts()` reports: how many times each fault was injected since the server started. */
export const FAULT_COUNT_NAMES = [
  /** 429 answers, burst and random. */
  'rateLimited',
  /** 500/502/503 answers. */
  'serverError',
  /** Requests held open (answered 504 after `hangMs`, unless the client gave up first). */
  'timeout',
  /** API answers given extra latency. */
  'delayed',
  /** `/token` requests refused because of `rejectTokens`. */
  'tokenRejected',
  /** `/token` requests answered 503 because of `tokenUnavailable`. */
  'tokenUnavailable',
  /** Tokens issued with a lifetime shorter than the real API's. */
  'shortLivedToken',
  /** `expireTokens()` calls. */
  'tokensRevoked',
  /** `/buses` items corrupted. */
  'malformedItem',
  /** `/buses` answered [] because of `emptyLists`. */
  'emptyList',
  /** `/buses/busstops` answered 204 because of `emptyLists`. */
  'noContent',
] as const;
export type FaultCountName = (typeof FAULT_COUNT_NAMES)[number];

// Salts keep the fault streams unrelated to the fleet's, which use the same seed.
const REQUEST_SALT = 0xfa01;
const ITEM_SALT = 0xfa02;

/**
 * The simulator's current faults, the state they consume (the 429 burst, the request sequence) and the
 * counts of what was injected. Decisions are seeded by the simulator's seed and the request's sequence
 * number among API requests, so the same seed and the same requests in the same order misbehave alike.
 */
export class FaultInjector {
  private current: SimulatorFaults;
  private apiRequests = 0;
  private readonly tally = new Map<FaultCountName, number>();

  constructor(
    private readonly seed: number,
    initial: FaultsPatch = {},
  ) {
    this.current = mergeFaults(NO_FAULTS, validateFaultsPatch(initial));
  }

  settings(): SimulatorFaults {
    return mergeFaults(this.current, {});
  }

  /** Merges a patch (validated: throws FaultsValidationError) and answers the resulting settings. */
  set(patch: unknown): SimulatorFaults {
    this.current = mergeFaults(this.current, validateFaultsPatch(patch));
    return this.settings();
  }

  /** Back to no faults. Counts are history and are kept. */
  clear(): SimulatorFaults {
    this.current = mergeFaults(NO_FAULTS, {});
    return this.settings();
  }

  counts(): Record<FaultCountName, number> {
    return Object.fromEntries(FAULT_COUNT_NAMES.map((name) => [name, this.tally.get(name) ?? 0])) as Record<
      FaultCountName,
      number
    >;
  }

  record(name: FaultCountName, times = 1): void {
    if (times > 0) this.tally.set(name, (this.tally.get(name) ?? 0) + times);
  }

  /** The next API request's fate; consumes one 429 of the burst and counts what it injects. */
  nextRequest(): RequestFaultDecision & { requestNo: number } {
    const requestNo = ++this.apiRequests;
    const decision = decideRequestFault(this.current, streamFor(this.seed, REQUEST_SALT, requestNo));
    const { fault } = decision;
    if (fault.kind === 'rateLimited' && fault.fromBurst) this.current.rateLimit.burst -= 1;
    if (fault.kind !== 'none') this.record(fault.kind);
    if (decision.delayMs > 0) this.record('delayed');
    return { ...decision, requestNo };
  }

  /** `/buses` items as served: each one corrupted with probability `malformedRate`, the rest untouched. */
  corruptVehicles(vehicles: SimVehicle[], requestNo: number): unknown[] {
    const rate = this.current.malformedRate;
    if (rate <= 0) return vehicles;
    return vehicles.map((vehicle, index) => {
      const corruption = decideCorruption(rate, streamFor(this.seed, ITEM_SALT, requestNo, index));
      if (corruption === undefined) return vehicle;
      this.record('malformedItem');
      return corruptVehicle(vehicle, corruption);
    });
  }

  /** Lifetime for a token issued now, counting the short-lived ones. */
  tokenLifetimeSeconds(): number {
    const lifetime = this.current.tokenLifetimeSeconds;
    if (lifetime < TOKEN_LIFETIME_SECONDS) this.record('shortLivedToken');
    return lifetime;
  }
}
