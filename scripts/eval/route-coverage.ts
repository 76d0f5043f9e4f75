/*
 * `npm run eval:coverage`: where the product knows a route, measured on the shipped catalogue with the
 * catalogue's own resolution (src/catalog/domain/route-resolution.ts): variants, lines, and the share of
 * the timetable's weekday trips that run on a variant with a known route, by where the route comes from.
 * Then what the geometry costs: projecting a bus onto the longest shape (projectNearHint, with and without
 * the hint of its last position), resolving the whole network, and the simulator's /buses answers.
 * Prints a table on stderr and one JSON line on stdout. Figures are timings of this machine: no pass/fail.
 */
import { resolveVariantPaths, type NetworkData } from '../../src/catalog/domain/route-resolution';
import { loadMontevideoData } from '../../src/shared/montevideo-data';
import { pointAtDistance, projectNearHint, type LonLat } from '../../src/shared/route';
import { BusSimulator } from '../../src/simulator/bus-simulator';

const say = (msg: string): void => console.error(msg);
const data = loadMontevideoData();
const stopAt = new Map<number, LonLat>(data.stops.map((s) => [s.busstopId, s.location.coordinates]));
const network: NetworkData = {
  variants: data.variants.map((v) => ({
    id: v.lineVariantId,
    line: v.line,
    origin: v.origin,
    destination: v.destination,
    subline: v.subline,
  })),
  shapeOf: (id) => data.shapes[String(id)],
  stopsOf: (id) => data.variantStops[String(id)],
  stopAt: (id) => stopAt.get(id),
};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const p99 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)];

// --- coverage ---
let started = performance.now();
const paths = resolveVariantPaths(network);
const resolveMs = performance.now() - started;
const bySource: Record<string, { variants: number; weekdayTrips: number }> = {};
let weekdayTrips = 0;
let covered = 0;
for (const path of paths.values()) (bySource[path.source] ??= { variants: 0, weekdayTrips: 0 }).variants++;
for (const [id, days] of Object.entries(data.schedules)) {
  weekdayTrips += days.weekday.length;
  const path = paths.get(Number(id));
  if (!path) continue;
  covered += days.weekday.length;
  bySource[path.source].weekdayTrips += days.weekday.length;
}
const lines = new Set(data.variants.filter((v) => paths.has(v.lineVariantId)).map((v) => v.line)).size;
say(`Routes known: ${paths.size} of ${data.variants.length} variants, ${lines} of 146 lines`);
say(`Weekday trips on a known route: ${covered} of ${weekdayTrips} (${((100 * covered) / weekdayTrips).toFixed(1)} %)`);
for (const [source, n] of Object.entries(bySource)) {
  say(
    `  ${source.padEnd(15)} ${String(n.variants).padStart(5)} variants ${String(n.weekdayTrips).padStart(6)} weekday trips`,
  );
}

// --- projection on the longest shape ---
const longest = [...paths.values()].sort((a, b) => b.route.length - a.route.length)[0];
const { route } = longest;
const fixes: { point: LonLat; along: number }[] = [];
for (let along = 0; along < route.length; along += 97) {
  const [lon, lat] = pointAtDistance(route, along);
  fixes.push({ point: [lon + 0.00004, lat - 0.00003], along }); // a few metres off, as GPS is
}
const time = (fn: () => void, rounds = 20): number => {
  const runs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    fn();
    runs.push((performance.now() - t) * 1000);
  }
  return median(runs);
};
const withHint =
  time(() => fixes.forEach((f) => projectNearHint(route, f.point, Math.max(0, f.along - 150)))) / fixes.length;
const without = time(() => fixes.forEach((f) => projectNearHint(route, f.point))) / fixes.length;
say(
  `projectNearHint on the longest route (${longest.variantId}, ${(route.length / 1000).toFixed(1)} km, ` +
    `${route.points.length} vertices): ${withHint.toFixed(2)} µs with the last position as hint, ${without.toFixed(2)} µs without`,
);
say(`Resolving the whole network: ${resolveMs.toFixed(0)} ms (first run of the process)`);

// --- the simulator's answers ---
const at = Date.parse(process.argv[2] ?? '2026-06-10T08:00:00-03:00');
const sim = new BusSimulator(data, { seed: 1, timeScale: 1, startedAt: at });
started = performance.now();
const first = sim.vehicles({ at });
const firstMs = performance.now() - started;
const ten = ['103', '109', '110', '21', 'G', '183', '2', '144', '145', '121'];
const city: number[] = [];
const tenLines: number[] = [];
for (let i = 1; i <= 40; i++) {
  let t = performance.now();
  sim.vehicles({ at: at + i * 15_000 });
  city.push(performance.now() - t);
  t = performance.now();
  sim.vehicles({ lines: ten, at: at + i * 15_000 + 7_000 });
  tenLines.push(performance.now() - t);
}
say(
  `Simulator at ${new Date(at).toISOString()}: ${first.length} buses in the feed; whole city ${firstMs.toFixed(0)} ms the ` +
    `first time, then median ${median(city).toFixed(1)} ms (p99 ${p99(city).toFixed(1)}); ten lines median ` +
    `${median(tenLines).toFixed(2)} ms (p99 ${p99(tenLines).toFixed(2)})`,
);
console.log(
  JSON.stringify({
    variants: paths.size,
    lines,
    weekdayTrips,
    coveredWeekdayTrips: covered,
    coveredShare: covered / weekdayTrips,
    bySource,
    projectionMicros: { longestVariant: longest.variantId, withHint, withoutHint: without },
    resolveMs,
    simulator: { buses: first.length, firstMs, cityMedianMs: median(city), tenLinesMedianMs: median(tenLines) },
  }),
);
