import { loadMontevideoData } from '../../src/shared/montevideo-data';

/** Distinct stops on the known routes of a line, to spread trackings over them. */
export function stopsOf(line: string, n: number): number[] {
  const data = loadMontevideoData();
  const variants = data.variants.filter((v) => v.line === line && data.variantStops[v.lineVariantId]);
  const stops = [...new Set(variants.flatMap((v) => data.variantStops[v.lineVariantId]))];
  const known = new Set(data.stops.map((s) => s.busstopId));
  return stops.filter((s) => known.has(s)).slice(0, n);
}
