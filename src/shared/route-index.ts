import type { LonLat, Route } from './route';

// Module-level aliases: under jest's vm sandbox a global `Math.` lookup costs more than the arithmetic.
const { PI: math_PI, ceil: math_ceil, cos: math_cos, floor: math_floor, max: math_max, min: math_min } = Math;

/**
 * A grid over a route's segments, so that "which stretches of this route pass near that point" costs a few
 * cells instead of every segment. A city bus's road geometry has a few hundred vertices; the grid pays off
 * when a whole route is searched (a bus seen for the first time, a stop placed on a shape). Built on first
 * use and kept with the route, which never changes.
 */

/** Cells about this many metres wide: a query within a few hundred metres reads a handful of them. */
const CELL_M = 200;
/** Below this many segments a plain scan is as quick as the grid. */
const MIN_SEGMENTS = 48;
const RAD = math_PI / 180;
const METERS_PER_DEGREE = 6_371_000 * RAD;

interface SegmentGrid {
  originLon: number;
  originLat: number;
  /** Metres per degree of longitude at the route's latitude. */
  kx: number;
  columns: number;
  rows: number;
  /** cell (row × columns + column) → indexes of the segments whose bounding box touches it, ascending. */
  cells: (number[] | undefined)[];
  /** Per segment, the query that last listed it: a segment in several cells is listed once. */
  seen: Uint32Array;
  query: number;
}

const grids = new WeakMap<Route, SegmentGrid | null>();

function buildGrid(route: Route): SegmentGrid | null {
  const { points } = route;
  if (points.length - 1 < MIN_SEGMENTS) return null;
  let [minLon, minLat, maxLon, maxLat] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [lon, lat] of points) {
    minLon = math_min(minLon, lon);
    maxLon = math_max(maxLon, lon);
    minLat = math_min(minLat, lat);
    maxLat = math_max(maxLat, lat);
  }
  const kx = math_cos(((minLat + maxLat) / 2) * RAD) * METERS_PER_DEGREE;
  const columns = math_max(1, math_ceil(((maxLon - minLon) * kx) / CELL_M));
  const rows = math_max(1, math_ceil(((maxLat - minLat) * METERS_PER_DEGREE) / CELL_M));
  const grid: SegmentGrid = {
    originLon: minLon,
    originLat: minLat,
    kx,
    columns,
    rows,
    cells: new Array<number[] | undefined>(columns * rows),
    seen: new Uint32Array(points.length - 1),
    query: 0,
  };
  for (let i = 0; i < points.length - 1; i++) {
    const [a, b] = [points[i], points[i + 1]];
    const [c0, r0] = cellOf(grid, math_min(a[0], b[0]), math_min(a[1], b[1]));
    const [c1, r1] = cellOf(grid, math_max(a[0], b[0]), math_max(a[1], b[1]));
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        (grid.cells[r * columns + c] ??= []).push(i);
      }
    }
  }
  return grid;
}

function cellOf(grid: SegmentGrid, lon: number, lat: number): [number, number] {
  const c = math_floor(((lon - grid.originLon) * grid.kx) / CELL_M);
  const r = math_floor(((lat - grid.originLat) * METERS_PER_DEGREE) / CELL_M);
  return [math_min(grid.columns - 1, math_max(0, c)), math_min(grid.rows - 1, math_max(0, r))];
}

/**
 * Indexes (ascending) of the segments that may pass within `radius` metres of the point: every segment
 * that does is listed, and a few that do not may be. Undefined when the route is too small for a grid
 * (the caller then scans every segment).
 */
export function segmentsNear(route: Route, point: LonLat, radius: number): number[] | undefined {
  let grid = grids.get(route);
  if (grid === undefined) grids.set(route, (grid = buildGrid(route)));
  if (grid === null) return undefined;
  const dLon = radius / grid.kx;
  const dLat = radius / METERS_PER_DEGREE;
  const [c0, r0] = cellOf(grid, point[0] - dLon, point[1] - dLat);
  const [c1, r1] = cellOf(grid, point[0] + dLon, point[1] + dLat);
  // Outside the grid altogether: clamped cells would list far segments, which is harmless but useless.
  const x = (point[0] - grid.originLon) * grid.kx;
  const y = (point[1] - grid.originLat) * METERS_PER_DEGREE;
  if (x < -radius || y < -radius || x > grid.columns * CELL_M + radius || y > grid.rows * CELL_M + radius) return [];
  const query = ++grid.query;
  const found: number[] = [];
  for (let r = r0; r <= r1; r++) {
    for (let c = c0; c <= c1; c++) {
      const cell = grid.cells[r * grid.columns + c];
      if (!cell) continue;
      for (const i of cell) {
        if (grid.seen[i] === query) continue;
        grid.seen[i] = query;
        found.push(i);
      }
    }
  }
  // Usually one to four cells of a few segments each: already nearly in order.
  for (let k = 1; k < found.length; k++) {
    const i = found[k];
    let j = k - 1;
    for (; j >= 0 && found[j] > i; j--) found[j + 1] = found[j];
    found[j + 1] = i;
  }
  return found;
}
