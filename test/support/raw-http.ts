import { INestApplication } from '@nestjs/common';
import { AddressInfo } from 'node:net';
import { request as httpRequest } from 'node:http';

export interface RawAnswer {
  status: number;
  contentType: string;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface RawRequest {
  method?: string;
  /** Sent exactly as written: percent-escapes and all, no client-side normalisation. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** One HTTP request over a real socket to a listening Nest app, with the path sent byte for byte. */
export function rawRequest(app: INestApplication, req: RawRequest): Promise<RawAnswer> {
  const { port } = app.getHttpServer().address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: '127.0.0.1', port, method: req.method ?? 'GET', path: req.path, headers: req.headers },
      (res) => {
        // A live stream does not end by itself: its status and headers are the answer.
        if (String(res.headers['content-type']).startsWith('text/event-stream')) {
          res.destroy();
          resolve({ status: res.statusCode ?? 0, contentType: 'text/event-stream', text: '', json: undefined });
          return;
        }
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text, json });
        });
      },
    );
    outgoing.on('error', reject);
    if (req.body !== undefined) outgoing.write(req.body);
    outgoing.end();
  });
}
