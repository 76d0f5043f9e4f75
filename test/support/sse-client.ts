import { ClientRequest, get, IncomingHttpHeaders, IncomingMessage } from 'node:http';

export interface SseEvent {
  type: string;
  data: string;
  id?: string;
  retry?: number;
  /** When it arrived (Date.now()). */
  at: number;
}

/**
 * A Server-Sent Events client over a real HTTP connection, as a browser's EventSource would hold
 * it, minus the reconnection: the tests want to see exactly what the server sends and when it
 * closes. Events are kept in order; `next()` waits for the next one not yet taken.
 */
export class SseClient {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  /** The body of a non-stream answer (an error), once it has been read. */
  body = '';
  ended = false;
  private cursor = 0;
  private buffer = '';
  private waiters: (() => void)[] = [];
  readonly closed: Promise<void>;

  private constructor(
    private readonly request: ClientRequest,
    readonly response: IncomingMessage,
  ) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      if (this.isStream) this.parse(chunk);
      else this.body += chunk;
      this.wake();
    });
    this.closed = new Promise((resolve) => {
      const done = (): void => {
        this.ended = true;
        this.wake();
        resolve();
      };
      response.on('end', done);
      response.on('close', done);
    });
  }

  /** Opens the stream; resolves once the status line and headers are in. */
  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const request = get(url, { headers: { accept: 'text/event-stream', ...headers } }, (response) =>
        resolve(new SseClient(request, response)),
      );
      request.on('error', reject);
    });
  }

  get status(): number {
    return this.response.statusCode ?? 0;
  }

  get headers(): IncomingHttpHeaders {
    return this.response.headers;
  }

  private get isStream(): boolean {
    return String(this.response.headers['content-type']).startsWith('text/event-stream');
  }

  /** The next event not taken yet (of `type`, skipping others), or a failure after `timeoutMs`. */
  async next(type?: string, timeoutMs = 5_000): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.cursor < this.events.length) {
        const event = this.events[this.cursor++];
        if (!type || event.type === type) return event;
      }
      if (this.ended) throw new Error(`stream ended while waiting for ${type ?? 'an event'}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${type ?? 'event'} within ${timeoutMs} ms (got ${this.describe()})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The data of the next event of `type`, parsed as JSON. */
  async nextJson<T = Record<string, unknown>>(type: string, timeoutMs?: number): Promise<T> {
    return JSON.parse((await this.next(type, timeoutMs)).data) as T;
  }

  /** Hangs up, as a closed browser tab does. */
  close(): void {
    this.request.destroy();
  }

  describe(): string {
    return `${this.events.map((e) => e.type).join(', ') || 'no events'}; ${this.comments.length} comment(s)`;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** The event stream format: blocks separated by a blank line, `field: value` lines, `:` comments. */
  private parse(chunk: string): void {
    this.buffer += chunk;
    const blocks = this.buffer.split(/\r?\n\r?\n/);
    this.buffer = blocks.pop() ?? '';
    for (const block of blocks) {
      const event: SseEvent = { type: 'message', data: '', at: Date.now() };
      const data: string[] = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith(':')) {
          this.comments.push(line.slice(1).trim());
          continue;
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event.type = value;
        else if (field === 'data') data.push(value);
        else if (field === 'id') event.id = value;
        else if (field === 'retry') event.retry = Number(value);
      }
      if (data.length) {
        event.data = data.join('\n');
        this.events.push(event);
      }
    }
  }
}
