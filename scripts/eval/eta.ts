/*
 * `npm run eval:eta`: how right are the ETAs we publish? Drives the tracker's own tick computation
 * (advanceTracks on each poll of the lines, then estimateBus for the tracked stop, with the variant paths
 * built from the shipped catalogue exactly as the worker builds them from the database) with the
 * simulator's /buses feed, polled every 15 s of simulated time, over the whole network: for every line of
 * the city, stops of its own picked at random and tracked for that line, plus random stops tracked for
 * every line that serves them. Every ETA the dashboard would show at each poll (its own numbers, rounded and
 * counted from the fix, tracking.mapper) is joined with the simulator's ground truth (when each bus really
 * reached each stop) and scored with the ETA Accuracy Benchmark, overall and per line; the seed system's
 * method (straight-line distance over closing speed, 5-fix pass rule, ETA counted from the poll) is scored
 * on the very same fixes.
 *   --seeds 1   --per-line N (stops per line, default 2)   --stops N (random stops per seed, default 20)
 *   --hours H (default 1)   --start ISO (default a weekday 07:30 in Montevideo, the morning rush)
 *   --dwell S (default 20)   --worst N (lines listed as worst, default 10)
 *   --dump FILE   also write every scored prediction, one JSON object per line, for a closer look
 * Prints tables on stderr and one JSON line on stdout.
 */
import { writeFileSync } from 'node:fs';
import { estimateBus, lineBusOf, RouteContext, withDistances } from '../../src/buses/domain/bus-estimate';
import { advanceTracks, BusTrack } from '../../src/buses/domain/bus-track';
import { resolveVariantPaths } from '../../src/catalog/domain/route-resolution';
import type { VariantPath } from '../../src/catalog/domain/variant-path';
import {
  etaSeconds as seedEta,
  hasPassed as seedPassed,
  STALE_AFTER_SECONDS,
} from '../../src/buses/domain/bus-metrics';
import { parseBus, parseList } from '../../src/buses/stm/stm.parse';
import { toBusResponse } from '../../src/tracking/tracking.mapper';
import { bucketOf, EtaPrediction, EtaScore, isAccurate, quantile, scoreEtas } from '../../src/eval/eta-benchmark';
import { loadMontevideoData, MontevideoData } from '../../src/shared/montevideo-data';
import { BusSimulator } from '../../src/simulator/bus-simulator';
import { mulberry32, shuffleInPlace } from '../../src/simulator/prng';

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const SEEDS = option('seeds', '1').split(',').map(Number);
const PER_LINE = Number(option('per-line', '2'));
const STOPS = Number(option('stops', '20'));
const HOURS = Number(option('hours', '1'));
const START = Date.parse(option('start', '2026-11-24T07:30:00-03:00'));
const DWELL = Number(option('dwell', '20'));
const WORST = Number(option('worst', '10'));
const DUMP = option('dump', '');
const POLL_MS = 15_000;
/** Predictions whose bus has not arrived this long after the run are left out, not counted wrong. */
const SETTLE_MS = 20 * 60_000;
/** A bus is clear of the stop (about 30 m past it at the simulator's slowest cruise) this long after leaving. */
const CLEAR_MS = 6_000;
/** A prediction can be about a visit that began at most this long before it (a bus seen late at the stop). */
const RECENT_VISIT_MS = 5 * 60_000;
const say = (msg: string): void => console.error(`[eval:eta] ${msg}`);

for (const [name, value] of [
  ['per-line', PER_LINE],
  ['worst', WORST],
  ['stops', STOPS],
  ['hours', HOURS],
  ['dwell', DWELL],
] as const) {
  if (!(value >= 0) || !Number.isFinite(value)) throw new Error(`--${name} must be a non-negative number`);
}
if (!Number.isFinite(START)) throw new Error('--start must be an ISO date-time');
if (SEEDS.some((s) => !Number.isInteger(s))) throw new Error('--seeds must be a comma-separated list of integers');

type Method = 'ours' | 'seed';
const key = (b: { company: string; busId: number }): string => `${b.company}#${b.busId}`;

/** The paths the worker works out from the database, worked out here the same way from the shipped files. */
function variantPaths(data: MontevideoData): Map<number, VariantPath> {
  const stops = new Map(data.stops.map((s) => [s.busstopId, s.location.coordinates]));
  return resolveVariantPaths({
    variants: data.variants.map((v) => ({
      id: v.lineVariantId,
      line: v.line,
      origin: v.origin,
      destination: v.destination,
      subline: v.subline,
    })),
    shapeOf: (id) => data.shapes[String(id)],
    stopsOf: (id) => data.variantStops[String(id)],
    stopAt: (id) => stops.get(id),
  });
}

interface Observation {
  at: number;
  fixAt: number;
  passed: Record<Method, boolean>;
}

interface Published {
  at: number;
  predictedArrival: number;
  line: string;
  /** Worked out along the variant's known route (else by the straight-line rules). */
  alongRoute: boolean;
}

interface TrackedStop {
  stopId: number;
  lines: string[];
  stop: { latitude: number; longitude: number };
  /** First poll, within the first interval: trackings are not in step. */
  phase: number;
  /** The buses of its lines, as the line's polls leave them (here each stop polls its own lines). */
  tracks: BusTrack[];
  observations: Map<string, Observation[]>;
  published: Record<Method, Map<string, Published[]>>;
}

interface Scored extends EtaPrediction {
  stopId: number;
  bus: string;
  at: string;
  line: string;
  alongRoute: boolean;
}

interface SeedResult {
  predictions: Record<Method, Scored[]>;
  passDelays: Record<Method, number[]>;
  passAtFirstChance: Record<Method, number>;
  passes: number;
  arrivals: number;
  staleEtas: Record<Method, number>;
  polls: number;
  trackings: number;
  /** Time the tick's computation (advanceTracks and estimateBus) took, each poll. */
  computeMs: number[];
}

function runSeed(data: MontevideoData, paths: Map<number, VariantPath>, seed: number): SeedResult {
  const sim = new BusSimulator(data, { seed, timeScale: 1, startedAt: START });
  const random = mulberry32(seed * 7919 + 17);
  const coords = new Map(data.stops.map((s) => [s.busstopId, s.location.coordinates]));
  const served = [...new Set(Object.values(data.variantStops).flat())].filter(
    (id) => coords.has(id) && sim.linesForStop(id).length > 0,
  );
  shuffleInPlace(served, random);
  // Every line of the city, at stops of its own, as a rider of that line would track it.
  const stopsByLine = new Map<string, Set<number>>();
  for (const v of data.variants) {
    for (const stopId of data.variantStops[String(v.lineVariantId)] ?? []) {
      if (!coords.has(stopId)) continue;
      stopsByLine.set(v.line, (stopsByLine.get(v.line) ?? new Set()).add(stopId));
    }
  }
  const wanted: { stopId: number; lines: string[] }[] = [];
  for (const [line, stops] of [...stopsByLine].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))) {
    const candidates = [...stops].filter((id) => sim.linesForStop(id).some((l) => l.line === line));
    shuffleInPlace(candidates, random);
    for (const stopId of candidates.slice(0, PER_LINE)) wanted.push({ stopId, lines: [line] });
  }
  for (const stopId of served.slice(0, STOPS))
    wanted.push({ stopId, lines: sim.linesForStop(stopId).map((l) => l.line) });
  const tracked: TrackedStop[] = wanted.map(({ stopId, lines }) => {
    const [longitude, latitude] = coords.get(stopId)!;
    return {
      stopId,
      lines,
      stop: { latitude, longitude },
      phase: Math.floor(random() * POLL_MS),
      tracks: [],
      observations: new Map(),
      published: { ours: new Map(), seed: new Map() },
    };
  });

  const end = START + HOURS * 3_600_000;
  const result: SeedResult = {
    predictions: { ours: [], seed: [] },
    passDelays: { ours: [], seed: [] },
    passAtFirstChance: { ours: 0, seed: 0 },
    passes: 0,
    arrivals: 0,
    staleEtas: { ours: 0, seed: 0 },
    polls: 0,
    trackings: tracked.length,
    computeMs: [],
  };
  for (const t of tracked) {
    const routes: RouteContext = { stopId: t.stopId, pathOf: (id) => paths.get(id), dwellSeconds: DWELL };
    for (let at = START + t.phase; at < end; at += POLL_MS) {
      // What the worker receives: the feed as JSON, through the product's own parser.
      const body: unknown = JSON.parse(JSON.stringify(sim.vehicles({ lines: t.lines, at })));
      const reports = parseList(body, parseBus, 'buses').items;
      const computeStarted = performance.now();
      t.tracks = advanceTracks(t.tracks, reports, new Date(at));
      // The line's side (once per bus and poll), then the stop's (the rider's view, computed when read).
      const buses = t.tracks.map((track) =>
        estimateBus(lineBusOf(track, paths.get(track.variantId), routes), t.stop, new Date(at), routes),
      );
      result.computeMs.push(performance.now() - computeStarted);
      result.polls++;
      for (const [i, track] of t.tracks.entries()) {
        const bus = buses[i];
        if (bus.missingCount > 0) continue;
        const k = key(bus);
        const fixAt = bus.lastFixAt.getTime();
        const fixes = withDistances(track.history, t.stop);
        const passedSeed = seedPassed(fixes);
        const list = t.observations.get(k) ?? [];
        list.push({ at, fixAt, passed: { ours: bus.passed || bus.status === 'not_coming', seed: passedSeed } });
        t.observations.set(k, list);
        // What the dashboard shows at this moment: its own numbers (tracking.mapper), the ETA counted from the
        // fix, rounded to the second, none from a stale fix.
        const ageS = (at - fixAt) / 1000;
        const alongRoute = paths.has(bus.variantId);
        const shown = bus.passed ? null : toBusResponse(bus, new Date(at)).etaSeconds;
        if (bus.etaSeconds !== null && !bus.passed && ageS > STALE_AFTER_SECONDS) result.staleEtas.ours++;
        if (shown !== null) {
          publish(t.published.ours, k, { at, predictedArrival: at + shown * 1000, line: bus.line, alongRoute });
        }
        // The seed showed its ETA as seconds from the poll, whatever the age of the fix.
        const seedSeconds = seedEta(fixes, passedSeed);
        if (seedSeconds !== null) {
          if (ageS > STALE_AFTER_SECONDS) result.staleEtas.seed++;
          publish(t.published.seed, k, { at, predictedArrival: at + seedSeconds * 1000, line: bus.line, alongRoute });
        }
      }
    }
    score(sim, t, end, result);
  }
  return result;
}

function publish(map: Map<string, Published[]>, k: string, p: Published): void {
  const list = map.get(k) ?? [];
  list.push(p);
  map.set(k, list);
}

const about = (t: TrackedStop, bus: string, p: Published) => ({
  stopId: t.stopId,
  bus,
  at: new Date(p.at).toISOString(),
  line: p.line,
  alongRoute: p.alongRoute,
});

/** Joins one stop's published ETAs and pass flags with the simulator's record of real arrivals. */
function score(sim: BusSimulator, t: TrackedStop, end: number, result: SeedResult): void {
  const arrivals = sim.arrivals({ stopId: t.stopId, lines: t.lines, from: START - 3_600_000, to: end + SETTLE_MS });
  const byBus = new Map<string, { arrivedAt: number; departedAt: number }[]>();
  for (const a of arrivals) {
    const list = byBus.get(key(a)) ?? [];
    list.push(a);
    byBus.set(key(a), list);
    if (a.arrivedAt >= START && a.arrivedAt < end) result.arrivals++;
  }
  for (const method of ['ours', 'seed'] as const) {
    for (const [k, published] of t.published[method]) {
      const visits = byBus.get(k) ?? [];
      for (const p of published) {
        // The visit the prediction is about: of the bus's visits from shortly before it on, the one nearest
        // the predicted time. A bus that in truth already reached the stop (our fixes lag) gives a negative
        // horizon, which no bucket counts: the benchmark scores predictions made before the arrival.
        let next: { arrivedAt: number } | undefined;
        for (const v of visits) {
          if (v.arrivedAt < p.at - RECENT_VISIT_MS) continue;
          if (!next || Math.abs(v.arrivedAt - p.predictedArrival) < Math.abs(next.arrivedAt - p.predictedArrival))
            next = v;
        }
        if (next) {
          result.predictions[method].push({
            ...about(t, k, p),
            horizonS: (next.arrivedAt - p.at) / 1000,
            errorS: (next.arrivedAt - p.predictedArrival) / 1000,
          });
        } else if (p.predictedArrival < end) {
          // Announced for within the run, and the bus never came: a rider waited for nothing.
          result.predictions[method].push({
            ...about(t, k, p),
            horizonS: (p.predictedArrival - p.at) / 1000,
            errorS: null,
          });
        }
      }
    }
  }
  // Pass detection: for each real departure from the stop during the run, the first poll that says so.
  for (const [k, visits] of byBus) {
    const observed = t.observations.get(k);
    if (!observed) continue;
    for (const visit of visits) {
      if (visit.departedAt < START || visit.departedAt >= end) continue;
      // The first poll that could know: its newest fix was taken once the bus was clear of the stop, at
      // least CLEAR_MS after it left (30 m at the slowest cruise; GPS scatters several metres).
      const chance = observed.find((o) => o.at >= visit.departedAt && o.fixAt >= visit.departedAt + CLEAR_MS);
      if (!chance) continue;
      const nextVisit = visits.find((v) => v.arrivedAt > visit.departedAt)?.arrivedAt ?? Infinity;
      result.passes++;
      for (const method of ['ours', 'seed'] as const) {
        const detected = observed.find((o) => o.at >= visit.departedAt && o.at < nextVisit && o.passed[method]);
        // A bus never marked passed before it left the list counts as detected when it left.
        const at = detected?.at ?? (observed.filter((o) => o.at < nextVisit).at(-1)?.at ?? chance.at) + 3 * POLL_MS;
        result.passDelays[method].push((at - visit.departedAt) / 1000);
        if (detected && detected.at <= chance.at) result.passAtFirstChance[method]++;
      }
    }
  }
}

const share = <T>(items: readonly T[], test: (item: T) => boolean): number | null =>
  items.length ? items.filter(test).length / items.length : null;

interface LineFigures {
  line: string;
  /** Share of our predictions worked out along the variant's known route. */
  coverage: number | null;
  score: number | null;
  seedScore: number | null;
  predictions: number;
  why: string;
}

/** The benchmark line by line, with what sets the worst apart: where their errors come from. */
function perLine(ours: readonly Scored[], seed: readonly Scored[]): LineFigures[] {
  const group = (list: readonly Scored[]): Map<string, Scored[]> => {
    const by = new Map<string, Scored[]>();
    for (const p of list) by.set(p.line, [...(by.get(p.line) ?? []), p]);
    return by;
  };
  const [mine, theirs] = [group(ours), group(seed)];
  return [...mine]
    .map(([line, predictions]) => {
      const scored = scoreEtas(predictions);
      return {
        line,
        coverage: share(predictions, (p) => p.alongRoute),
        score: scored.score,
        seedScore: scoreEtas(theirs.get(line) ?? []).score,
        predictions: scored.predictions,
        why: whyOff(predictions, scored),
      };
    })
    .sort((a, b) => a.line.localeCompare(b.line, 'en', { numeric: true }));
}

/** A short account of a line's misses: which buckets, which way, buses that never came, routes unknown. */
function whyOff(predictions: readonly Scored[], scored: EtaScore): string {
  const counted = predictions.filter((p) => bucketOf(p.horizonS));
  const wrong = counted.filter((p) => !isAccurate(bucketOf(p.horizonS)!, p.errorS));
  if (!wrong.length) return 'no miss';
  const late = wrong.filter((p) => p.errorS !== null && p.errorS > 0).length;
  const early = wrong.filter((p) => p.errorS !== null && p.errorS < 0).length;
  const never = wrong.length - late - early;
  const straight = wrong.filter((p) => !p.alongRoute).length;
  const buckets = scored.buckets.map((b) => (b.accuracy === null ? '–' : `${Math.round(b.accuracy * 100)}`)).join('/');
  const parts = [
    `buckets ${buckets}`,
    `misses: ${Math.round((late / wrong.length) * 100)} % bus later than told, ${Math.round((early / wrong.length) * 100)} % earlier, ${Math.round((never / wrong.length) * 100)} % never came`,
    `${new Set(wrong.map((p) => `${p.stopId}:${p.bus}`)).size} bus visits of ${new Set(counted.map((p) => `${p.stopId}:${p.bus}`)).size}`,
  ];
  if (straight) parts.push(`${Math.round((straight / wrong.length) * 100)} % of misses on the straight-line fallback`);
  return parts.join('; ');
}

function main(): void {
  const started = Date.now();
  const data = loadMontevideoData();
  const paths = variantPaths(data);
  const all: SeedResult[] = [];
  for (const seed of SEEDS) {
    const r = runSeed(data, paths, seed);
    say(
      `seed ${seed}: ${r.trackings} trackings (${PER_LINE} stops per line and ${STOPS} random stops), ${r.polls} polls, ${r.arrivals} arrivals, ${r.passes} passes`,
    );
    all.push(r);
  }
  const merged = <T>(pick: (r: SeedResult) => T[]): T[] => all.flatMap(pick);
  const sum = (pick: (r: SeedResult) => number): number => all.reduce((n, r) => n + pick(r), 0);
  const methods = (['ours', 'seed'] as const).map((method) => {
    const predictions = merged((r) => r.predictions[method]);
    const scored: EtaScore = scoreEtas(predictions);
    // For context: the same score over the buses that did come (a method that announces buses which never
    // come is wrong for the rider, and the main score counts it so).
    const cameOnly = scoreEtas(predictions.filter((p) => p.errorS !== null));
    const delays = merged((r) => r.passDelays[method]);
    const passes = sum((r) => r.passes);
    return {
      method,
      ...scored,
      scoreBusesThatCame: cameOnly.score,
      bucketsBusesThatCame: cameOnly.buckets.map((b) => b.accuracy),
      passDelayMedianS: quantile(delays, 0.5),
      passDelayP90S: quantile(delays, 0.9),
      passAtFirstPoll: passes ? sum((r) => r.passAtFirstChance[method]) / passes : null,
      etasFromStaleFixes: sum((r) => r.staleEtas[method]),
    };
  });
  const [ours, seed] = methods;
  const lines = perLine(
    merged((r) => r.predictions.ours),
    merged((r) => r.predictions.seed),
  );
  if (DUMP) {
    const dumped = (['ours', 'seed'] as const).flatMap((method) =>
      merged((r) => r.predictions[method]).map((p) => JSON.stringify({ method, ...p })),
    );
    writeFileSync(DUMP, dumped.join('\n') + '\n');
    say(`${dumped.length} predictions written to ${DUMP}`);
  }
  const pct = (x: number | null): string => (x === null ? '   –  ' : `${(x * 100).toFixed(1).padStart(5)}%`);
  say('');
  say(`bucket        ours            seed`);
  ours.buckets.forEach((b, i) => {
    const s = seed.buckets[i];
    say(`${b.name.padEnd(10)}  ${pct(b.accuracy)} (${b.predictions})  ${pct(s.accuracy)} (${s.predictions})`);
  });
  say(`score       ${pct(ours.score)}          ${pct(seed.score)}`);
  say(
    `predictions for buses that never came: ours ${ours.neverArrived}, seed ${seed.neverArrived}; ` +
      `score over the buses that came: ours ${pct(ours.scoreBusesThatCame)}, seed ${pct(seed.scoreBusesThatCame)}`,
  );
  say(
    `early/late median (s)  ours ${ours.earlyMedianS}/${ours.lateMedianS}  seed ${seed.earlyMedianS}/${seed.lateMedianS}`,
  );
  say(
    `pass detected at the first poll that could: ours ${pct(ours.passAtFirstPoll)}, seed ${pct(seed.passAtFirstPoll)}; ` +
      `delay median/p90 (s): ours ${ours.passDelayMedianS}/${ours.passDelayP90S}, seed ${seed.passDelayMedianS}/${seed.passDelayP90S}`,
  );
  say(
    `ETAs published from fixes older than ${STALE_AFTER_SECONDS} s: ours ${ours.etasFromStaleFixes}, seed ${seed.etasFromStaleFixes}`,
  );
  say('');
  say(`per line (${lines.length} lines with predictions): line, along-route share, ours, seed, predictions`);
  for (const l of lines) {
    say(`  ${l.line.padEnd(7)} ${pct(l.coverage)}  ${pct(l.score)}  ${pct(l.seedScore)}  ${l.predictions}`);
  }
  const worst = [...lines]
    .filter((l) => l.score !== null)
    .sort((a, b) => a.score! - b.score!)
    .slice(0, WORST);
  say('');
  say(`worst ${worst.length} lines:`);
  for (const l of worst) say(`  ${l.line.padEnd(7)} ${pct(l.score)}  ${l.why}`);
  const scores = lines.map((l) => l.score).filter((x): x is number => x !== null);
  console.log(
    JSON.stringify({
      seeds: SEEDS,
      stopsPerSeed: STOPS,
      hours: HOURS,
      start: new Date(START).toISOString(),
      dwellSeconds: DWELL,
      polls: sum((r) => r.polls),
      // What along-route tracking costs a tick in CPU (compare: a tick's database work is milliseconds).
      tickComputeMs: {
        mean: Number((sum((r) => r.computeMs.reduce((a, b) => a + b, 0)) / sum((r) => r.polls)).toFixed(3)),
        p99: Number(
          (
            quantile(
              merged((r) => r.computeMs),
              0.99,
            ) ?? 0
          ).toFixed(3),
        ),
      },
      arrivals: sum((r) => r.arrivals),
      passes: sum((r) => r.passes),
      methods,
      lines: {
        count: lines.length,
        alongRouteShare: share(
          merged((r) => r.predictions.ours),
          (p) => p.alongRoute,
        ),
        medianScore: quantile(scores, 0.5),
        atLeast85: scores.filter((x) => x >= 0.85).length,
        worst: worst.map(({ line, score, why }) => ({ line, score, why })),
        all: lines.map(({ line, coverage, score, seedScore, predictions }) => ({
          line,
          coverage,
          score,
          seedScore,
          predictions,
        })),
      },
      seconds: Math.round((Date.now() - started) / 1000),
    }),
  );
}

main();
