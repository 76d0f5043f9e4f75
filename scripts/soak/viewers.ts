import { ClientRequest, get } from 'node:http';

/**
 * Live viewers as a browser's EventSource holds them: one SSE connection each, read as it comes, and
 * reopened after `retryMs` when the server ends it. Counts events and bytes; keeps nothing else.
 */
export class Viewers {
  events = 0;
  bytes = 0;
  reconnects = 0;
  refused = 0;
  /** Why streams ended, by the last event they carried ('none' when none came). */
  readonly endings: Record<string, number> = {};
  /** The data of the first few `error` events the server sent, to say what went wrong. */
  readonly errors: string[] = [];
  private readonly requests = new Set<ClientRequest>();
  private stopped = false;

  constructor(
    private readonly baseUrl: string,
    private readonly retryMs = 2_000,
  ) {}

  open(trackingId: string): void {
    if (this.stopped) return;
    const request = get(`${this.baseUrl}/api/trackings/${trackingId}/events`, {
      headers: { accept: 'text/event-stream' },
    });
    this.requests.add(request);
    let ended = false;
    let lastEvent = 'none';
    let tail = '';
    const again = (): void => {
      if (ended) return;
      ended = true;
      this.requests.delete(request);
      if (this.stopped) return;
      this.endings[lastEvent] = (this.endings[lastEvent] ?? 0) + 1;
      const error = /event: error\n(?:[^\n]*\n)*?data: ([^\n]*)/.exec(tail);
      if (error && this.errors.length < 5) this.errors.push(error[1].slice(0, 300));
      this.reconnects += 1;
      setTimeout(() => this.open(trackingId), this.retryMs).unref();
    };
    request.on('response', (res) => {
      if (res.statusCode !== 200) this.refused += 1;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        this.bytes += chunk.length;
        const types = [...chunk.matchAll(/^event: (\S+)/gm)].map((m) => m[1]);
        this.events += types.length;
        if (types.length) lastEvent = types[types.length - 1];
        tail = (tail + chunk).slice(-600);
      });
      res.on('end', again);
      res.on('error', () => undefined);
    });
    request.on('error', again);
  }

  /** Connections open now. */
  get connections(): number {
    return this.requests.size;
  }

  close(): void {
    this.stopped = true;
    for (const request of this.requests) request.destroy();
    this.requests.clear();
  }
}
