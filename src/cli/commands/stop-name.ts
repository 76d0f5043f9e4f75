import { CatalogService } from '../../catalog/catalog.service';

/** A stop as its corner streets: "AV 8 DE OCTUBRE / BV JOSE BATLLE Y ORDOÑEZ". */
export async function stopName(catalog: CatalogService, stopId: number): Promise<string> {
  const stop = await catalog.findStop(stopId);
  return stop ? [stop.street1, stop.street2].filter(Boolean).join(' / ') : 'not in the catalogue';
}
