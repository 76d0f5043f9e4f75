import { formatDuration } from '../shared/duration';

/** Rows as aligned columns (the last column is not padded), each line indented. */
export function table(rows: readonly (readonly (string | number)[])[], indent = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, String(cell).length)));
  return rows.map(
    (row) =>
      indent +
      row
        .map((cell, i) => (i === row.length - 1 ? String(cell) : String(cell).padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
  );
}

/** "12s ago", "3m 5s ago"; "in 4s" for the future; "just now" within a second; "never" for none. */
export function ago(at: Date | string | null | undefined, now: Date): string {
  if (!at) return 'never';
  const ms = now.getTime() - new Date(at).getTime();
  if (Math.abs(ms) < 1000) return 'just now';
  return ms >= 0 ? `${formatDuration(ms)} ago` : `in ${formatDuration(-ms)}`;
}

export function megabytes(bytes: number | undefined): string {
  return bytes === undefined ? '?' : `${Math.round(bytes / 1_048_576)} MB`;
}

/** The first 8 characters of an id, as people say them ("7f1c5d97"). */
export const short = (id: string): string => id.slice(0, 8);

/** A tick job id `tick:<line>:<n>` made readable: "tick 12 of line 103". */
export function describeJobId(id: string): string {
  const match = /^tick:(.+):(\d+)$/.exec(id);
  return match ? `tick ${match[2]} of line ${match[1]}` : id;
}
