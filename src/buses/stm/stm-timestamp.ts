/**
 * The STM API stamps fixes like `2025-11-15T13:14:07.000-03`: an ISO offset without minutes, which
 * `new Date()` on Node 20 rejects. Accepts that form, full ISO offsets and `Z`; null when unparseable.
 */
export function parseStmTimestamp(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(
    value.trim(),
  );
  if (!match) return null;
  const [, local, zone] = match;
  // No zone at all: the city's API speaks Montevideo time (UTC-3, no daylight saving since 2015).
  let offset = zone ?? '-03:00';
  if (/^[+-]\d{2}$/.test(offset)) offset += ':00';
  else if (/^[+-]\d{4}$/.test(offset)) offset = `${offset.slice(0, 3)}:${offset.slice(3)}`;
  const date = new Date(local + offset);
  if (Number.isNaN(date.getTime())) return null;
  // new Date() rolls impossible dates over (Feb 30 → Mar 2); such a fix is garbage, not March.
  const [year, month, day] = local.slice(0, 10).split('-').map(Number);
  const calendar = new Date(Date.UTC(year, month - 1, day));
  return calendar.getUTCMonth() === month - 1 && calendar.getUTCDate() === day ? date : null;
}
