import { TOKEN_LIFETIME_SECONDS } from './token-store';

/**
 * Fault injection settings: ways to make the simulated STM API misbehave, so the product's timeouts,
 * retries, 429 handling, token renewal and defensive parsing can be tested against a real server.
 * Request faults apply to authenticated API requests only: never to `/token`, `/health` or `/_sim/*`.
 */
export interface RateLimitFault {
  /** The next this-many API requests answer 429; counts down as they do (so reading it shows what is left). */
  burst: number;
  /** `Retry-After` of every injected 429 (burst or `rateLimitRate`), whole seconds. */
  retryAfterSeconds: number;
}

export interface SimulatorFaults {
  /** Fraction (0–1) of API requests answering 500, 502 or 503. */
  errorRate: number;
  /** Fraction (0–1) of API requests held open for `hangMs`, then answered 504. */
  timeoutRate: number;
  hangMs: number;
  /** Extra delay before every API answer, plus up to `latencyJitterMs` more. */
  latencyMs: number;
  latencyJitterMs: number;
  rateLimit: RateLimitFault;
  /** Fraction (0–1) of API requests answering 429 at random, with `rateLimit.retryAfterSeconds`. */
  rateLimitRate: number;
  /** While true `/token` answers 401 invalid_client whatever the credentials, as for revoked ones. */
  rejectTokens: boolean;
  /** While true `/token` answers 503, as a token endpoint that is down. */
  tokenUnavailable: boolean;
  /** Lifetime of tokens issued from now on; tokens already issued keep theirs. */
  tokenLifetimeSeconds: number;
  /** Fraction (0–1) of `/buses` items corrupted, each in one of the ways listed in fault-decisions.ts. */
  malformedRate: number;
  /** Every `/buses` answer leads with three items our columns cannot take: a busId beyond 32 bits, a
   * destination of 200 characters, a fix stamped ten minutes ahead (copies of real buses). */
  badValues: boolean;
  /** `/buses` answers [] and `/buses/busstops` 204 No Content. */
  emptyLists: boolean;
}

/** What `setFaults` and `PUT /_sim/faults` take: any subset, `rateLimit` merged field by field. */
export type FaultsPatch = Omit<Partial<SimulatorFaults>, 'rateLimit'> & { rateLimit?: Partial<RateLimitFault> };

/** Longer than the STM client's 10 s timeout, so a hanging request is a timeout from its point of view. */
export const DEFAULT_HANG_MS = 15_000;

export const NO_FAULTS: Readonly<SimulatorFaults> = Object.freeze({
  errorRate: 0,
  timeoutRate: 0,
  hangMs: DEFAULT_HANG_MS,
  latencyMs: 0,
  latencyJitterMs: 0,
  rateLimit: Object.freeze({ burst: 0, retryAfterSeconds: 1 }),
  rateLimitRate: 0,
  rejectTokens: false,
  tokenUnavailable: false,
  tokenLifetimeSeconds: TOKEN_LIFETIME_SECONDS,
  malformedRate: 0,
  badValues: false,
  emptyLists: false,
});

export class FaultsValidationError extends Error {}

type Check = (value: unknown) => string | undefined;

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const rate: Check = (v) => (isNumber(v) && v >= 0 && v <= 1 ? undefined : 'must be a number from 0 to 1');
const nonNegative: Check = (v) => (isNumber(v) && v >= 0 ? undefined : 'must be a non-negative number');
const wholeNonNegative: Check = (v) =>
  isNumber(v) && Number.isInteger(v) && v >= 0 ? undefined : 'must be a non-negative whole number';
const wholePositive: Check = (v) =>
  isNumber(v) && Number.isInteger(v) && v >= 1 ? undefined : 'must be a whole number of at least 1';
const boolean: Check = (v) => (typeof v === 'boolean' ? undefined : 'must be true or false');

const RATE_LIMIT_CHECKS: Record<keyof RateLimitFault, Check> = {
  burst: wholeNonNegative,
  retryAfterSeconds: wholeNonNegative,
};

const CHECKS: Record<Exclude<keyof SimulatorFaults, 'rateLimit'>, Check> = {
  errorRate: rate,
  timeoutRate: rate,
  hangMs: nonNegative,
  latencyMs: nonNegative,
  latencyJitterMs: nonNegative,
  rateLimitRate: rate,
  rejectTokens: boolean,
  tokenUnavailable: boolean,
  tokenLifetimeSeconds: wholePositive,
  malformedRate: rate,
  badValues: boolean,
  emptyLists: boolean,
};

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function problemsOf(value: Record<string, unknown>, checks: Record<string, Check>, prefix: string): string[] {
  const problems: string[] = [];
  const unknown = Object.keys(value).filter((key) => !Object.hasOwn(checks, key));
  if (unknown.length > 0) problems.push(`unknown fault setting(s): ${unknown.map((k) => prefix + k).join(', ')}`);
  for (const [key, check] of Object.entries(checks)) {
    // `undefined` means "leave as is", as an absent key does: TypeScript callers spread optional values.
    if (value[key] === undefined) continue;
    const problem = check(value[key]);
    if (problem) problems.push(`${prefix}${key} ${problem}, got ${JSON.stringify(value[key])}`);
  }
  return problems;
}

/** Checks untrusted input (a PUT body, a test's object); throws one error listing every problem. */
export function validateFaultsPatch(input: unknown): FaultsPatch {
  if (!isPlainObject(input)) throw new FaultsValidationError('faults must be a JSON object');
  const { rateLimit, ...rest } = input;
  const problems = problemsOf(rest, CHECKS, '');
  if (rateLimit !== undefined) {
    if (isPlainObject(rateLimit)) problems.push(...problemsOf(rateLimit, RATE_LIMIT_CHECKS, 'rateLimit.'));
    else problems.push('rateLimit must be an object { burst, retryAfterSeconds }');
  }
  if (problems.length > 0) throw new FaultsValidationError(problems.join('; '));
  return input; // every key is known and every value checked
}

/** A fresh copy of `current` with `patch` applied; neither argument is modified. */
export function mergeFaults(current: Readonly<SimulatorFaults>, patch: FaultsPatch): SimulatorFaults {
  const { rateLimit, ...rest } = patch;
  return { ...current, ...defined(rest), rateLimit: { ...current.rateLimit, ...defined(rateLimit ?? {}) } };
}

function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The settings that differ from NO_FAULTS, for logs. */
export function activeFaults(faults: Readonly<SimulatorFaults>): Partial<SimulatorFaults> {
  const active: Record<string, unknown> = {};
  for (const key of Object.keys(NO_FAULTS) as (keyof SimulatorFaults)[]) {
    if (JSON.stringify(faults[key]) !== JSON.stringify(NO_FAULTS[key])) active[key] = faults[key];
  }
  return active;
}
