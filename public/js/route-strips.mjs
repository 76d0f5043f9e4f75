// The route strips of a tracking: one per line variant with buses coming whose stop sequence is
// known, drawn from the variant's stops (GET /api/lines/variants/:id/stops), loaded once each.
import { getJson } from './api.mjs';
import { el } from './dom.mjs';
import { titleCase } from './format.mjs';
import { busKey } from './bus-list.mjs';
import { drawRouteStrip, positionOnRoute, stopsAway, stopsAwayText } from './route-strip.mjs';

/** @typedef {import('./types').Bus} Bus */
/** @typedef {import('./types').VariantRoute} VariantRoute */

/** More strips than this would push the list off a phone screen. */
const MAX_STRIPS = 3;
/** Stops stand for the road between them: farther than this from it, a bus is not on this stretch. */
const MAX_OFF_ROUTE_M = 250;
const AT_STOP_M = 60;

export class RouteStrips {
  /** @param {HTMLElement} container @param {() => void} onRouteLoaded */
  constructor(container, onRouteLoaded) {
    this.container = container;
    this.onRouteLoaded = onRouteLoaded;
    /** @type {Map<number, VariantRoute | null>} null while loading or when it could not be */
    this.routes = new Map();
    this.stopId = 0;
    /** @type {Set<number>} */
    this.knownVariants = new Set();
  }

  /** @param {number} stopId @param {Set<number>} knownVariants variants whose route through the stop is known */
  setStop(stopId, knownVariants) {
    this.stopId = stopId;
    this.knownVariants = knownVariants;
    this.container.replaceChildren();
  }

  /**
   * Draws the strips for these buses (nearest first).
   * @param {Bus[]} buses
   * @returns {Map<string, string>} "3 stops away" per bus key, for the list
   */
  update(buses) {
    /** @type {Map<string, string>} */
    const away = new Map();
    /** @type {Map<number, Bus[]>} */
    const byVariant = new Map();
    for (const bus of buses) {
      if (!this.knownVariants.has(bus.variantId)) continue;
      byVariant.set(bus.variantId, [...(byVariant.get(bus.variantId) ?? []), bus]);
    }
    const figures = [];
    for (const [variantId, group] of byVariant) {
      const route = this.route(variantId);
      const until = route ? route.stops.findIndex((s) => s.id === this.stopId) : -1;
      if (!route || until < 0) continue;
      // A bus far from every segment before the stop is elsewhere (past the stop, or off its route).
      const placed = group
        .map((bus) => ({ bus, ...positionOnRoute(route.stops, bus.location, until) }))
        // At the stop itself only when close to it: farther off, it has most likely just gone past.
        .filter((p) => p.offMeters <= (p.index >= until ? AT_STOP_M : MAX_OFF_ROUTE_M));
      for (const p of placed) {
        // Within 100 m (the "arriving" badge) the rider sees it at the stop, whatever the projection says.
        const count = p.bus.status === 'arriving' ? 0 : stopsAway(p.index, until);
        away.set(busKey(p.bus), stopsAwayText(count));
      }
      if (figures.length >= MAX_STRIPS) continue;
      figures.push(
        el('figure', { className: 'strip', attrs: { 'data-variant': String(variantId) } }, [
          el('figcaption', {}, [
            el('span', { className: 'line-badge', text: route.line }),
            ` towards ${titleCase(route.destination)}`,
          ]),
          drawRouteStrip({
            line: route.line,
            destination: route.destination,
            stops: route.stops,
            until,
            buses: placed,
          }),
        ]),
      );
    }
    this.container.replaceChildren(...figures);
    this.container.hidden = figures.length === 0;
    return away;
  }

  /** @param {number} variantId */
  route(variantId) {
    if (!this.routes.has(variantId)) {
      this.routes.set(variantId, null);
      /** @type {Promise<VariantRoute>} */ (getJson(`/api/lines/variants/${variantId}/stops`)).then(
        (route) => {
          this.routes.set(variantId, route);
          this.onRouteLoaded();
        },
        () => undefined, // no strip for this variant; the list says it all anyway
      );
    }
    return this.routes.get(variantId) ?? null;
  }
}
