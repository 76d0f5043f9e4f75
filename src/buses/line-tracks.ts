import { Injectable } from '@nestjs/common';
import { advanceTracks, busKey, BusTrack } from './domain/bus-update';
import { HISTORY_WINDOWS, LineSnapshots } from './line-snapshots';

/**
 * Every bus's recent positions, built from its line's snapshots: a bus's history is the same whichever
 * stop it is seen from, so it is kept once per line, not once per tracking, and nothing about it has to be
 * read from or written to the database on a tick. A process that starts following a line folds its last
 * HISTORY_WINDOWS snapshots (in Redis), then applies each new window's snapshot as it comes: every
 * process sees the same history. That is done once per line and window and shared by every tick of that
 * window in the process.
 */
@Injectable()
export class LineTracks {
  private readonly folds = new Map<string, { window: number; tracks: Promise<BusTrack[]> }[]>();

  constructor(private readonly snapshots: LineSnapshots) {}

  /**
   * The buses of the lines as of the current window (its snapshots fetched if need be), each with its
   * last positions. A bus listed under two of the lines appears once, as its newest report has it.
   */
  async of(lines: string[]): Promise<BusTrack[]> {
    const window = await this.snapshots.ensure(lines);
    const perLine = await Promise.all(lines.map((line) => this.tracksAt(line, window)));
    const byBus = new Map<string, BusTrack>();
    for (const track of perLine.flat()) {
      const seen = byBus.get(busKey(track));
      if (!seen || track.lastFixAt > seen.lastFixAt) byBus.set(busKey(track), track);
    }
    return [...byBus.values()];
  }

  private tracksAt(line: string, window: number): Promise<BusTrack[]> {
    const folds = this.folds.get(line) ?? [];
    const found = folds.find((f) => f.window === window);
    if (found) return found.tracks;
    const previous = folds.find((f) => f.window === window - 1);
    const tracks = previous ? this.step(line, window, previous.tracks) : this.fold(line, window);
    // The previous window's fold may still be awaited by a late tick; older ones are done with.
    this.folds.set(line, [...folds.filter((f) => f.window >= window - 1), { window, tracks }]);
    tracks.catch(() =>
      this.folds.set(
        line,
        (this.folds.get(line) ?? []).filter((f) => f.tracks !== tracks),
      ),
    );
    return tracks;
  }

  /**
   * The usual case: this process folded the previous window, so one more poll is applied to it. Keeping the
   * last 30 positions, that is the same history the full fold gives, except for a bus with long gaps in its
   * reports, whose older positions the full fold (32 windows) may not reach.
   */
  private async step(line: string, window: number, previous: Promise<BusTrack[]>): Promise<BusTrack[]> {
    const [snapshot] = await this.snapshots.history(line, [window]);
    const before = await previous;
    return snapshot ? advanceTracks(before, snapshot.buses, new Date(snapshot.fetchedAt)) : before;
  }

  /** A line this process has not followed lately: its history rebuilt from the snapshots in Redis. */
  private async fold(line: string, window: number): Promise<BusTrack[]> {
    const windows = Array.from({ length: HISTORY_WINDOWS }, (_, i) => window - HISTORY_WINDOWS + 1 + i);
    let tracks: BusTrack[] = [];
    for (const snapshot of await this.snapshots.history(line, windows)) {
      // A window without a snapshot (nobody tracked the line, or the fetch failed) is not a poll: no miss.
      if (snapshot) tracks = advanceTracks(tracks, snapshot.buses, new Date(snapshot.fetchedAt));
    }
    return tracks;
  }
}
