import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { EndStatus, lifecycleRules, trackingEnd } from '../tracking/tracking-lifecycle';
import { TrackingRepository } from '../tracking/tracking.repository';
import { CatalogFacts } from '../catalog/catalog-facts';
import { LinePoll } from './entities/line-poll.entity';
import { LinePollsRepository } from './line-polls.repository';

/** A tracking a tick ended, and how. */
export interface EndedTracking {
  id: string;
  status: EndStatus;
}

/**
 * The catalogue changes only with an import: every this-many ticks (five minutes at the default interval), a
 * line's tick checks that its trackings' stops and lines still exist.
 */
export const CATALOGUE_CHECK_TICKS = 20;

/**
 * The lifecycle of every tracking of a line, in bulk, once per tick (SPEC §3.2): a few statements however many
 * trackings there are. The database narrows the candidates (past the maximum duration; all of them only when
 * the line itself has been quiet for the idle time, the catalogue is due a check, or the credentials are
 * refused); the rules themselves are trackingEnd's, applied to each candidate.
 */
@Injectable()
export class LineLifecycle {
  private readonly logger = new Logger(LineLifecycle.name);

  constructor(
    private readonly trackings: TrackingRepository,
    private readonly linePolls: LinePollsRepository,
    private readonly catalog: CatalogFacts,
    private readonly config: AppConfig,
  ) {}

  /** Ends the trackings of the line whose time has come after tick `seq`; returns them. */
  async endDue(line: string, seq: number, now: Date): Promise<EndedTracking[]> {
    const poll = await this.linePolls.find(line);
    if (!poll) return [];
    const rules = lifecycleRules(this.config);
    const catalogueDue = seq % CATALOGUE_CHECK_TICKS === 1;
    const all =
      catalogueDue || this.credentialsRefused(poll, now) || this.quietMs(poll, now) >= rules.idleMinutes * 60_000;
    const candidates = await this.trackings.activeOfLine(
      line,
      new Date(now.getTime() - rules.maxMinutes * 60_000),
      all,
    );
    if (!candidates.length) return [];

    const subscriptions = await this.trackings.subscriptionsOf(candidates.map((t) => t.id));
    const [stops, lines] = catalogueDue
      ? await Promise.all([this.catalog.existingStops(candidates.map((t) => t.stopId)), this.catalog.knownLines()])
      : [null, null];
    const byTracking = new Map<string, typeof subscriptions>();
    for (const s of subscriptions) byTracking.set(s.trackingId, [...(byTracking.get(s.trackingId) ?? []), s]);
    const ends = new Map<string, { status: EndStatus; reason: string; ids: string[] }>();
    for (const tracking of candidates) {
      const own = byTracking.get(tracking.id) ?? [];
      const end = trackingEnd(
        {
          startedAt: tracking.startedAt,
          stopId: tracking.stopId,
          stopKnown: stops ? stops.has(tracking.stopId) : true,
          anyLineKnown: lines ? own.some((s) => lines.has(s.line)) : true,
          lines: own,
        },
        now,
        rules,
      );
      if (!end) continue;
      const key = `${end.status}|${end.reason}`;
      const group = ends.get(key) ?? { ...end, ids: [] };
      group.ids.push(tracking.id);
      ends.set(key, group);
    }
    const ended: EndedTracking[] = [];
    for (const { status, reason, ids } of ends.values()) {
      const done = await this.trackings.end(ids, { status, reason }, now);
      if (done.length) this.logger.log(`Line ${line}: ${done.length} tracking(s) ${status}: ${reason}`);
      ended.push(...done.map((id) => ({ id, status })));
    }
    return ended;
  }

  /** How long the line has gone without a bus, outages left out (Infinity: it never saw one). */
  private quietMs(poll: LinePoll, now: Date): number {
    if (!poll.lastBusSeenAt) return Infinity;
    return now.getTime() - poll.lastBusSeenAt.getTime() - (poll.outageMs - poll.outageMsAtLastBus);
  }

  private credentialsRefused(poll: LinePoll, now: Date): boolean {
    const since = poll.credentialsRefusedSince;
    return Boolean(
      since && now.getTime() - since.getTime() >= lifecycleRules(this.config).credentialsRefusedSeconds * 1000,
    );
  }
}
