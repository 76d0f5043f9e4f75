import { TrackingBusesResponse, TrackingResponse } from '../tracking/dto/tracking.response';

/**
 * What a viewer receives on `GET /api/trackings/:id/events`:
 * - `buses`: the dashboard, exactly as `GET /api/trackings/:id/buses` answers it, on connect and
 *   after every tick;
 * - `status`: the tracking (as `GET /api/trackings/:id`) once it has ended; the stream then closes.
 */
export type LiveEvent = { type: 'buses'; data: TrackingBusesResponse } | { type: 'status'; data: TrackingResponse };

/** The last event of a stream: nothing follows the end of a tracking. */
export function isFinal(event: LiveEvent): boolean {
  return event.type === 'status' && event.data.status !== 'active';
}
