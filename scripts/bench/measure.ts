import { readFileSync } from 'node:fs';

/** One tick-stats window of a worker (src/queue/tick-stats.ts). */
export interface TickWindow {
  at: number;
  pid: number;
  outcomes: Record<string, number>;
  latenessMs: Record<string, number>;
  durationMs: Record<string, number>;
  dbStatements: number;
}

interface Summary {
  p50: number;
  p99: number;
  max: number;
}

function summarize(counts: Map<number, number>): Summary {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const sorted = [...counts.entries()].sort((a, b) => a[0] - b[0]);
  const at = (p: number): number => {
    const rank = Math.ceil((p / 100) * total);
    let seen = 0;
    for (const [ms, n] of sorted) if ((seen += n) >= rank) return ms;
    return 0;
  };
  return { p50: at(50), p99: at(99), max: sorted.length ? sorted[sorted.length - 1][0] : 0 };
}

/** Exact percentiles over several windows of several workers. */
export function mergeWindows(windows: TickWindow[]): {
  count: number;
  outcomes: Record<string, number>;
  lateness: Summary;
  duration: Summary;
  dbStatements: number;
} {
  const lateness = new Map<number, number>();
  const duration = new Map<number, number>();
  const outcomes: Record<string, number> = {};
  let dbStatements = 0;
  for (const w of windows) {
    for (const [ms, n] of Object.entries(w.latenessMs)) lateness.set(Number(ms), (lateness.get(Number(ms)) ?? 0) + n);
    for (const [ms, n] of Object.entries(w.durationMs)) duration.set(Number(ms), (duration.get(Number(ms)) ?? 0) + n);
    for (const [k, n] of Object.entries(w.outcomes)) outcomes[k] = (outcomes[k] ?? 0) + n;
    dbStatements += w.dbStatements;
  }
  const count = Object.values(outcomes).reduce((a, b) => a + b, 0);
  return { count, outcomes, lateness: summarize(lateness), duration: summarize(duration), dbStatements };
}

/** CPU seconds a process has used so far (user + system), from /proc; 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks, 100 a second on common kernels
  } catch {
    return 0;
  }
}

/** Resident memory of a process now, in MB. */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}

/** p50/p99/max of raw samples (exact, nearest rank). */
export function percentiles(values: number[]): Summary {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(Math.round(v), (counts.get(Math.round(v)) ?? 0) + 1);
  return summarize(counts);
}
