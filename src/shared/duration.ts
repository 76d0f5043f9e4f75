const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * Reads an operator's duration: "1d", "12h", "30m", "45s", "500ms", "1.5h", or combined such as
 * "1h30m". A bare number is seconds. Returns milliseconds, or undefined when it is not a duration.
 */
export function parseDuration(text: string): number | undefined {
  const value = text.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d|w))+$/.test(value)) return undefined;
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g))
    total += Number(amount) * UNIT_MS[unit];
  return Math.round(total);
}

/** "2d 3h", "15m", "42s", "850ms": a duration as a person reads it, to the two largest units. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(Math.round(ms));
  if (rest < 1000) return `${sign}${rest}ms`;
  const parts: string[] = [];
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit];
    if (rest >= size || parts.length) {
      const n = Math.floor(rest / size);
      rest -= n * size;
      if (n || parts.length) parts.push(`${n}${unit}`);
    }
    if (parts.length === 2) break;
  }
  return sign + parts.filter((p) => !/^0/.test(p)).join(' ');
}
