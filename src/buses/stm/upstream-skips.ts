import { Injectable } from '@nestjs/common';
import { SkipReason } from './stm.types';

type Listener = (reason: SkipReason, count: number) => void;

/**
 * Where the STM client reports the upstream items it skipped, by reason. The worker's metrics listen
 * (bus_tracker_upstream_items_skipped_total); the client itself stays free of metrics.
 */
@Injectable()
export class UpstreamSkips {
  private readonly listeners: Listener[] = [];

  listen(listener: Listener): void {
    this.listeners.push(listener);
  }

  record(reasons: Partial<Record<SkipReason, number>>): void {
    for (const [reason, count] of Object.entries(reasons) as [SkipReason, number][]) {
      if (count > 0) for (const listener of this.listeners) listener(reason, count);
    }
  }
}
