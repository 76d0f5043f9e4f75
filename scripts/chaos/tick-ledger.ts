/**
 * What the chaos run observed of each line's chain, from the sources of truth alone: the pending ticks as
 * Redis holds them (job ids `tick:<line>:<seq>`), and the ticks completed as the database records them (a
 * line's `tickSeq` and the `lastRunAt` of its last tick). Nothing is read from log lines.
 */
export interface LineSample {
  line: string;
  tickSeq: number;
  lastRunAt: number | null;
  subscriptions: number;
}

const tickOf = (jobId: string): { line: string; seq: number } | undefined => {
  const m = /^tick:(.+):(\d+)$/.exec(jobId);
  return m ? { line: m[1], seq: Number(m[2]) } : undefined;
};

export class TickLedger {
  private readonly seq = new Map<string, number>();
  private readonly lastRunAt = new Map<string, number>();
  private readonly maxGapMs = new Map<string, number>();
  /** Lines seen with two different pending ticks ahead of their last completed one: two chains. */
  private readonly forked = new Set<string>();
  /** Ticks completed, as the sequence numbers advanced. */
  private ticks = 0;
  private readonly startedAt = new Map<string, number>();

  /**
   * One observation: the pending ticks first, then the database. The database is then the newer view, so a
   * tick that completed between the two reads is seen as done (its successor is then the one pending, not an
   * extra one).
   */
  observe(pendingJobIds: readonly string[], lines: readonly LineSample[], at: number): void {
    const bySeq = new Map(lines.map((l) => [l.line, l.tickSeq]));
    const ahead = new Map<string, Set<number>>();
    for (const id of pendingJobIds) {
      const tick = tickOf(id);
      const done = tick && bySeq.get(tick.line);
      if (!tick || done === undefined || tick.seq <= done) continue; // a re-run of a completed tick is harmless
      const seqs = ahead.get(tick.line) ?? new Set<number>();
      seqs.add(tick.seq);
      ahead.set(tick.line, seqs);
    }
    for (const [line, seqs] of ahead) if (seqs.size > 1) this.forked.add(line);
    for (const l of lines) {
      if (!this.startedAt.has(l.line)) this.startedAt.set(l.line, at);
      const before = this.seq.get(l.line);
      if (before !== undefined && l.tickSeq > before) this.ticks += l.tickSeq - before;
      if (l.lastRunAt !== null) {
        const previous = this.lastRunAt.get(l.line) ?? this.startedAt.get(l.line)!;
        const steps = before === undefined ? 1 : Math.max(1, l.tickSeq - before);
        if (l.lastRunAt > previous) {
          // Ticks the sampler did not see one by one share the time between them evenly.
          const gap = (l.lastRunAt - previous) / steps;
          this.maxGapMs.set(l.line, Math.max(this.maxGapMs.get(l.line) ?? 0, gap));
          this.lastRunAt.set(l.line, l.lastRunAt);
        }
      }
      this.seq.set(l.line, l.tickSeq);
    }
  }

  report(now: number, intervalS: number): { forked: number; maxGapIntervals: number; ticks: number } {
    let maxGap = 0;
    for (const line of this.seq.keys()) {
      const last = this.lastRunAt.get(line) ?? this.startedAt.get(line) ?? now;
      maxGap = Math.max(maxGap, this.maxGapMs.get(line) ?? 0, now - last);
    }
    return { forked: this.forked.size, maxGapIntervals: maxGap / 1000 / intervalS, ticks: this.ticks };
  }
}
