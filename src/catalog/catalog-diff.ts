import type { StopRecord, VariantRecord } from '../buses/stm/stm.parse';

/** What an import would change in one table of the catalogue, by id. */
export interface CatalogDiff<T extends { id: number }> {
  added: T[];
  changed: { before: T; after: T }[];
  /** In the database, not in the upstream answer. */
  removed: T[];
  unchanged: number;
}

export function diffById<T extends { id: number }>(
  current: readonly T[],
  incoming: readonly T[],
  same: (a: T, b: T) => boolean,
): CatalogDiff<T> {
  const byId = new Map(current.map((row) => [row.id, row]));
  const seen = new Set<number>();
  const diff: CatalogDiff<T> = { added: [], changed: [], removed: [], unchanged: 0 };
  for (const row of incoming) {
    if (seen.has(row.id)) continue; // an id listed twice upstream counts once
    seen.add(row.id);
    const before = byId.get(row.id);
    if (!before) diff.added.push(row);
    else if (same(before, row)) diff.unchanged++;
    else diff.changed.push({ before, after: row });
  }
  diff.removed = current.filter((row) => !seen.has(row.id));
  return diff;
}

/** Trimmed text, with blank as null: how the API's and the shipped file's spellings compare. */
export const normText = (value: string | null | undefined): string | null => value?.trim() || null;

/** Coordinates equal to ~1 cm (the API sends more digits than the database may keep). */
export const sameCoordinate = (a: number, b: number): boolean => Math.abs(a - b) < 1e-7;

/** A stop as the API's parser gives it and as the database holds it. */
export type StopRow = StopRecord;

export const sameStop = (a: StopRow, b: StopRow): boolean =>
  normText(a.street1) === normText(b.street1) &&
  normText(a.street2) === normText(b.street2) &&
  sameCoordinate(a.latitude, b.latitude) &&
  sameCoordinate(a.longitude, b.longitude);

export type VariantRow = VariantRecord;

export const sameVariant = (a: VariantRow, b: VariantRow): boolean =>
  normText(a.line)?.toUpperCase() === normText(b.line)?.toUpperCase() &&
  a.lineId === b.lineId &&
  normText(a.origin) === normText(b.origin) &&
  normText(a.destination) === normText(b.destination) &&
  normText(a.subline) === normText(b.subline) &&
  Boolean(a.special) === Boolean(b.special);
