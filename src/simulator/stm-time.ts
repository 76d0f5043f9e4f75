import { MONTEVIDEO_OFFSET_MS } from '../shared/montevideo-time';

/** Montevideo time as the STM API writes it (UTC−3 all year, see montevideo-time.ts). */
export { MONTEVIDEO_OFFSET_MS };

/** `2025-11-15T13:14:07.000-03`: local time with a two-digit offset, which `new Date()` on Node 20 rejects. */
export function formatStmTimestamp(epochMs: number): string {
  return new Date(epochMs + MONTEVIDEO_OFFSET_MS).toISOString().replace('Z', '-03');
}

const STM_TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?)-03$/;

/** Inverse of formatStmTimestamp, for tests and tools; NaN when the text is not in that form. */
export function parseStmTimestamp(text: string): number {
  const match = STM_TIMESTAMP.exec(text);
  return match ? Date.parse(`${match[1]}-03:00`) : NaN;
}
