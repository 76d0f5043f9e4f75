/** What the chaos run observed of each tracking's chain: completed ticks, pending ticks, gaps. */
export class TickLedger {
  private readonly completed = new Map<string, Set<number>>();
  private readonly lastTickAt = new Map<string, number>();
  private readonly maxGapMs = new Map<string, number>();
  private readonly twoPending = new Set<string>();
  private readonly completedTwice = new Set<string>();
  private ticks = 0;

  /** Trackings to watch, with the time they started (their first gap counts from there). */
  track(ids: string[], at: number): void {
    for (const id of ids) this.lastTickAt.set(id, at);
  }

  /** A worker's "Tick N of tracking X" line is written once the tick is claimed (completed). */
  onLogLine(line: string): void {
    const m = /Tick (\d+) of tracking ([0-9a-f-]{36})/.exec(line);
    if (!m) return;
    const [, seqText, id] = m;
    const seq = Number(seqText);
    const done = this.completed.get(id) ?? new Set<number>();
    if (done.has(seq)) this.completedTwice.add(id);
    done.add(seq);
    this.completed.set(id, done);
    this.ticks++;
    const now = Date.now();
    const last = this.lastTickAt.get(id);
    if (last !== undefined) this.maxGapMs.set(id, Math.max(this.maxGapMs.get(id) ?? 0, now - last));
    this.lastTickAt.set(id, now);
  }

  /** Job ids waiting or delayed at one instant; two canonical ticks of one tracking is a fork. */
  onPendingSample(jobIds: string[]): void {
    const seen = new Set<string>();
    for (const jobId of jobIds) {
      const [kind, id] = jobId.split(':');
      if (kind !== 'tick') continue;
      if (seen.has(id)) this.twoPending.add(id);
      seen.add(id);
    }
  }

  report(
    now: number,
    intervalS: number,
  ): { forked: number; twoPending: number; completedTwice: number; maxGapIntervals: number; ticks: number } {
    let maxGap = 0;
    for (const [id, last] of this.lastTickAt) maxGap = Math.max(maxGap, this.maxGapMs.get(id) ?? 0, now - last);
    return {
      forked: new Set([...this.twoPending, ...this.completedTwice]).size,
      twoPending: this.twoPending.size,
      completedTwice: this.completedTwice.size,
      maxGapIntervals: maxGap / 1000 / intervalS,
      ticks: this.ticks,
    };
  }
}
