import { Injectable } from '@nestjs/common';
import { advanceTracks, busKey, BusTrack } from './domain/bus-update';
import { HISTORY_WINDOWS, LineSnapshots } from './line-snapshots';

/**
 * Every bus's recent positions, built from its line's snapshots: a bus's history is the same whichever
 * stop it is seen from, so it is kept once per line, not once per tracking, and nothing about it has to be
 * read from or written to the database on a tick. Each process folds the last HISTORY_WINDOWS snapshots
 * of a line (in Redis) the same way, so every process sees the same history; the fold is done once per
 * line and window and shared by every tick of that window in the process.
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
    const tracks = this.fold(line, window);
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
