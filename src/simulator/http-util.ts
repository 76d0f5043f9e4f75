import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

/** Token requests are a few dozen bytes; anything much larger is not a client we simulate. */
const MAX_BODY_BYTES = 64 * 1024;

/** An answer: a JSON body, or none (204). */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A failure with the status and JSON body to answer with. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: { statusCode?: number; error: string; message?: string; error_description?: string },
  ) {
    super(body.message ?? body.error_description ?? body.error);
  }
}

export function badRequest(message: string): HttpError {
  return new HttpError(400, { error: 'bad_request', message });
}

export function notFound(message: string): HttpError {
  return new HttpError(404, { error: 'not_found', message });
}

export function methodNotAllowed(allow: string): HttpError {
  return new HttpError(405, { error: 'method_not_allowed', message: `use ${allow}` });
}

/** gzip when asked for, as the real API does; `gzip;q=0` means "not gzip". */
export function acceptsGzip(req: IncomingMessage): boolean {
  const header = req.headers['accept-encoding'];
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  return text
    .split(',')
    .map((part) => part.trim().toLowerCase().split(';'))
    .some(([coding, ...params]) => coding === 'gzip' && !params.some((p) => /^\s*q=0(\.0*)?\s*$/.test(p)));
}

export async function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  payload: unknown,
  headers: Record<string, string> = {},
): Promise<void> {
  const json = Buffer.from(JSON.stringify(payload), 'utf8');
  const compress = acceptsGzip(req);
  const body = compress ? await gzipAsync(json) : json;
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(body.length),
    Vary: 'Accept-Encoding',
    ...(compress ? { 'Content-Encoding': 'gzip' } : {}),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

export function sendNoContent(res: ServerResponse, headers: Record<string, string> = {}): void {
  res.writeHead(204, headers);
  res.end();
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, { error: 'payload_too_large' });
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `Authorization: Basic base64(id:secret)`, ids and secrets URL-encoded per RFC 6749 §2.3.1. */
export function basicCredentials(req: IncomingMessage): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const decode = (s: string): string => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s;
    }
  };
  return { id: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
}

export function bearerToken(req: IncomingMessage): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
}

/** Query parameter by name, case-insensitively (clients send both `amountperline` and `amountPerLine`). */
export function queryParam(params: URLSearchParams, name: string): string | undefined {
  for (const [key, value] of params) if (key.toLowerCase() === name.toLowerCase()) return value;
  return undefined;
}

/** `a, b,,c` → ['a', 'b', 'c']; absent or blank → []. */
export function listParam(params: URLSearchParams, name: string): string[] {
  return (queryParam(params, name) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function integerList(params: URLSearchParams, name: string): number[] {
  return listParam(params, name).map((text) => parseInteger(text, name));
}

export function parseInteger(text: string, name: string, min = 0): number {
  if (!/^\d+$/.test(text.trim())) throw badRequest(`${name} must be a whole number, got "${text}"`);
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) throw badRequest(`${name} must be at least ${min}, got "${text}"`);
  return value;
}
