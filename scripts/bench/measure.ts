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

/** RSS (MB, first/max/last) and CPU (% of one core) of processes, from /proc. */
export class ProcessSampler {
  private readonly rss: number[][] = [];
  private timer?: NodeJS.Timeout;
  private cpuStart = 0;
  private startedAt = 0;
  private cpuEnd = 0;
  private endedAt = 0;

  constructor(private readonly pids: number[]) {}

  private cpuTicks(): number {
    return this.pids.reduce((sum, pid) => {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return sum + Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks
    }, 0);
  }

  private rssNow(): number[] {
    return this.pids.map((pid) => {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return m ? Number(m[1]) / 1024 : 0;
    });
  }

  start(): void {
    this.cpuStart = this.cpuTicks();
    this.startedAt = Date.now();
    this.rss.push(this.rssNow());
    this.timer = setInterval(() => this.rss.push(this.rssNow()), 1000);
  }

  stop(): void {
    clearInterval(this.timer);
    this.cpuEnd = this.cpuTicks();
    this.endedAt = Date.now();
    this.rss.push(this.rssNow());
  }

  rssMb(): { first: number; max: number; last: number } {
    const totals = this.rss.map((r) => r.reduce((a, b) => a + b, 0));
    return {
      first: Math.round(totals[0]),
      max: Math.round(Math.max(...totals)),
      last: Math.round(totals[totals.length - 1]),
    };
  }

  /** Linux clock ticks are 100 per second on every common kernel config. */
  cpuPercent(): number {
    return Math.round(((this.cpuEnd - this.cpuStart) / 100 / ((this.endedAt - this.startedAt) / 1000)) * 100);
  }
}
