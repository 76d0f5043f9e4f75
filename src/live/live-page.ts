import { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { dirname, join, resolve } from 'node:path';

/** The page's folder, found from src/live (ts-node, jest) and from dist/live (compiled) alike. */
export function livePageDir(): string {
  return resolve(__dirname, '..', '..', 'public');
}

/**
 * Serves the dashboard page (public/: HTML, CSS and browser ES modules, no build step, nothing from
 * a CDN) at `/`, and the map library (Leaflet, from node_modules) at `/vendor/leaflet/`. Static files only answer paths that exist there, so /api, /docs and the rest are
 * untouched.
 */
export function serveLivePage(app: INestApplication): void {
  (app as NestExpressApplication).useStaticAssets(livePageDir(), { index: 'index.html', fallthrough: true });
  // The map library, served by us from the installed package (no CDN: the page works offline).
  (app as NestExpressApplication).useStaticAssets(join(dirname(require.resolve('leaflet/package.json')), 'dist'), {
    prefix: '/vendor/leaflet/',
    fallthrough: true,
  });
}
