import { haversineMeters } from '../../shared/route';

export interface LatLon {
  latitude: number;
  longitude: number;
}

/** Great-circle distance in metres between two points given as latitude/longitude (the one formula lives in
 * shared/route, which speaks the STM API's [longitude, latitude] order). */
export function metersBetween(a: LatLon, b: LatLon): number {
  return haversineMeters([a.longitude, a.latitude], [b.longitude, b.latitude]);
}

export function isValidLatLon(p: LatLon): boolean {
  return (
    Number.isFinite(p.latitude) &&
    Number.isFinite(p.longitude) &&
    Math.abs(p.latitude) <= 90 &&
    Math.abs(p.longitude) <= 180 &&
    !(p.latitude === 0 && p.longitude === 0)
  );
}
