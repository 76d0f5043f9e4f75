import { randomUUID } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Page } from 'playwright-core';
import { ARTIFACTS, launchChromium, TestBrowser } from './support/browser';
import { eventually, startSystem, TestSystem } from './support/system';
import { TcpProxy } from './support/tcp-proxy';

/** Stop 3227, Av 8 de Octubre y Bv Batlle y Ordóñez: lines 103 and 109 have simulated buses there. */
const STOP = { id: 3227, latitude: -34.8790688, longitude: -56.14764013 };

interface RowText {
  key: string;
  line: string;
  eta: string;
  distance: string;
}

describe('the dashboard page in a real browser (Chromium + web + worker + simulator)', () => {
  let sys: TestSystem;
  let proxy: TcpProxy;
  let browser: TestBrowser;
  let page: Page;
  let base: string;
  const pageErrors: string[] = [];

  const rows = (): Promise<RowText[]> =>
    page.$$eval('#bus-list li.bus', (items) =>
      items.map((li) => ({
        key: li.getAttribute('data-key') ?? '',
        line: li.querySelector('.line-badge')?.textContent ?? '',
        eta: li.querySelector('.bus-eta')?.textContent ?? '',
        distance: li.querySelector('.bus-dist')?.textContent ?? '',
      })),
    );
  /** axe-core (from npm) run in the page as it is: the violations, by rule and element. */
  const axeViolations = async (): Promise<string[]> => {
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
    // A string: the test's TypeScript has no DOM, the page does.
    return page.evaluate(
      "axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map(" +
        "(v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))",
    );
  };
  const trackingId = (): string => /#tracking=([0-9a-f-]{36})$/.exec(page.url())![1];

  beforeAll(async () => {
    sys = await startSystem({ timeScale: 10, env: { TRACKING_INTERVAL_SECONDS: '0.5' } });
    // The browser reaches the web app through a proxy the test can cut, as a network drop would.
    proxy = await new TcpProxy('127.0.0.1', (sys.web.getHttpServer().address() as AddressInfo).port).start();
    base = `http://127.0.0.1:${proxy.port}`;
    browser = await launchChromium({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      geolocation: { latitude: STOP.latitude, longitude: STOP.longitude },
      permissions: ['geolocation'],
      locale: 'en-US',
      // axe-core is injected as an inline script, which the page's own CSP (rightly) refuses.
      bypassCSP: true,
    });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });
  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await sys?.close();
  });

  it('finds a stop by street with the keyboard and lists the lines that serve it', async () => {
    await page.goto(base);
    await page.getByLabel('Street or stop number').fill('octubre batlle');
    await page.keyboard.press('Enter');
    const result = page.locator('#stop-results button', { hasText: String(STOP.id) });
    await result.waitFor();
    await result.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `Stop ${STOP.id}` }).waitFor();

    const shown = await page.$$eval('#line-options input', (boxes) => boxes.map((b) => b.getAttribute('value')));
    const served = (await sys.http().get(`/api/stops/${STOP.id}`).expect(200)).body.lines.map(
      (l: { line: string }) => l.line,
    );
    expect(shown).toEqual(served);
    expect(shown).toEqual(expect.arrayContaining(['103', '109']));
    await expect(page.locator('#lines-stop-name').textContent()).resolves.toBe(
      'Av 8 de Octubre y Bv Jose Batlle y Ordoñez',
    );
  });

  it('finds the stops near the rider with the browser’s location', async () => {
    await page.goto(base);
    await page.getByRole('button', { name: 'Stops near me' }).click();
    const first = page.locator('#stop-results li').first();
    await first.waitFor();
    await expect(first.locator('.stop-id').textContent()).resolves.toBe(String(STOP.id));
    await expect(first.locator('.stop-dist').textContent()).resolves.toBe('0 m');
  });

  it('tells look-alike stops apart by their lines and direction, pages the rest, and maps them', async () => {
    await page.goto(base);
    await page.getByLabel('Street or stop number').fill('18 de julio');
    await page.keyboard.press('Enter');
    const status = page.locator('#search-status');
    await status.filter({ hasText: / of \d+ stops$/ }).waitFor();
    const total = Number(/^20 of (\d+) stops$/.exec((await status.textContent()) ?? '')?.[1]);
    const api = await sys.http().get('/api/stops?q=18%20de%20julio').expect(200);
    expect(total).toBe(Number(api.headers['x-total-count']));
    expect(total).toBeGreaterThan(20);
    const results = (): Promise<{ name: string; lines: string }[]> =>
      page.$$eval('#stop-results .stop-item', (items) =>
        items.map((b) => ({
          name: b.querySelector('.stop-name')?.textContent ?? '',
          lines: b.querySelector('.stop-lines')?.textContent ?? '',
        })),
      );
    const first = await results();
    expect(first).toHaveLength(20);
    // Corners with one name (both sides of the avenue) read apart by where their lines go.
    const byName = new Map<string, Set<string>>();
    for (const r of first) byName.set(r.name, (byName.get(r.name) ?? new Set()).add(r.lines));
    expect(first.every((r) => /^(Lines? .+ · towards .+|No known line calls here)$/.test(r.lines))).toBe(true);
    const lookAlikes = [...byName].filter(([name]) => first.filter((r) => r.name === name).length > 1);
    expect(lookAlikes.length).toBeGreaterThan(0);
    // Two results of one corner never read the same: their lines or directions differ.
    for (const [name, texts] of lookAlikes) {
      expect([name, texts.size]).toEqual([name, first.filter((r) => r.name === name).length]);
    }
    await expect(page.locator('#stop-map .map-candidate').count()).resolves.toBe(20);
    await page.screenshot({ path: join(ARTIFACTS, 'stop-picker.png') });
    // The rest, with the keyboard: focus lands on the first stop added.
    await page.locator('#more-stops').focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      `document.querySelectorAll('#stop-results .stop-item').length === ${Math.min(40, total)}`,
    );
    expect(
      await page.evaluate(
        "document.activeElement?.closest('li') === document.querySelectorAll('#stop-results li')[20]",
      ),
    ).toBe(true);
    await expect(page.locator('#stop-map .map-candidate').count()).resolves.toBe(Math.min(40, total));
    expect(await axeViolations()).toEqual([]);
  });

  it('starts tracking, shows buses coming, and updates them live without reloading', async () => {
    await page.goto(base);
    await page.getByRole('button', { name: 'Stops near me' }).click();
    await page.locator('#stop-results li').first().waitFor();
    await page.locator('#stop-results li').first().locator('button').click();
    await page.getByRole('checkbox', { name: /^103\b/ }).check();
    await page.getByRole('checkbox', { name: /^109\b/ }).check();
    await page.getByRole('button', { name: 'Start tracking' }).click();
    await page.waitForURL(/#tracking=/);
    const loads: string[] = [];
    page.on('domcontentloaded', () => loads.push(page.url()));
    await page.evaluate(() => ((globalThis as unknown as { sameDocument: boolean }).sameDocument = true));

    await page.locator('#bus-list li.bus').first().waitFor({ timeout: 15_000 });
    await expect(page.locator('#conn-state').textContent()).resolves.toBe('Live');
    const before = await rows();
    for (const row of before) {
      expect(['103', '109']).toContain(row.line);
      expect(row.eta).toMatch(/^(arriving|\d+ min|–)$/);
      expect(row.distance).toMatch(/^\d+(\.\d)? k?m$/);
    }
    // The page shows what the API says: the same buses (ticks may land in between, so by identity).
    const api = (await sys.http().get(`/api/trackings/${trackingId()}/buses`).expect(200)).body.buses as {
      company: string;
      busId: number;
    }[];
    const apiKeys = new Set(api.map((b) => `${b.company}:${b.busId}`));
    expect(before.filter((r) => apiKeys.has(r.key)).length).toBeGreaterThan(0);

    // Buses move: some row's ETA or distance changes, in the same document.
    const signature = (list: RowText[]): string => list.map((r) => `${r.key}=${r.eta}/${r.distance}`).join();
    await eventually(async () => signature(await rows()) !== signature(before), 'a bus to move on the page', 15_000);
    expect(await page.evaluate(() => (globalThis as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    expect(loads).toEqual([]);

    // Within a few ticks a bus has enough positions for an ETA in minutes.
    await eventually(async () => (await rows()).some((r) => /^(arriving|\d+ min)$/.test(r.eta)), 'an ETA', 15_000);
    // The route strip places the buses on the stops before this one.
    await page.locator('#strips figure .strip-bus').first().waitFor();
    await expect(
      page.locator('#bus-list .bus-stops', { hasText: /stops? away|at your stop/ }).count(),
    ).resolves.toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'live-page.png'), fullPage: true });
  });

  it('moves the buses on the map of the route between ticks', async () => {
    await page.locator('#route-map .map-stop').waitFor();
    await expect(page.locator('#route-map path.map-route').count()).resolves.toBeGreaterThan(0);
    const markers = (): Promise<Record<string, string>> =>
      page.$$eval('#route-map .map-bus-body', (items) =>
        Object.fromEntries(items.map((m) => [m.getAttribute('data-key') ?? '', m.getAttribute('data-location') ?? ''])),
      );
    await page.locator('#route-map .map-bus-body').first().waitFor();
    const before = await markers();
    // The map shows the buses of the list, each with its line and the age of its fix.
    expect(Object.keys(before).sort()).toEqual((await rows()).map((r) => r.key).sort());
    await expect(page.locator('#route-map .map-bus-age').first().textContent()).resolves.toMatch(
      /^(old )?\d+ (s|min)$/,
    );
    await eventually(
      async () => {
        const now = await markers();
        return Object.keys(now).some((key) => key in before && now[key] !== before[key]);
      },
      'a marker to move',
      15_000,
    );
    // Each bus on a known road points along it.
    await expect(page.locator('#route-map .map-bus-arrow:not([hidden])').count()).resolves.toBeGreaterThan(0);
    await page.locator('#route-map').screenshot({ path: join(ARTIFACTS, 'route-map.png') });
  });

  it('fits a phone: no sideways scrolling, five buses and Stop tracking on the first screen, axe clean', async () => {
    await page.evaluate('window.scrollTo(0, 0)');
    await expect(page.locator('#bus-list li.bus').count()).resolves.toBe(5);
    const fit = await page.evaluate<{ overflow: number; stopBottom: number; height: number; cut: number }>(
      '({ overflow: document.documentElement.scrollWidth - window.innerWidth,' +
        " stopBottom: document.getElementById('stop-tracking').getBoundingClientRect().bottom," +
        ' height: window.innerHeight,' +
        " cut: [...document.querySelectorAll('.bus-dest')].filter((d) => d.scrollWidth > d.clientWidth).length })",
    );
    expect(fit.overflow).toBeLessThanOrEqual(0);
    expect(fit.stopBottom).toBeLessThanOrEqual(fit.height);
    expect(fit.cut).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'phone-first-screen.png') });
    expect(await axeViolations()).toEqual([]);
    // On a desktop the map stands beside the list.
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.waitForTimeout(300);
    const [list, map] = await Promise.all([
      page.locator('#bus-list').boundingBox(),
      page.locator('#route-map').boundingBox(),
    ]);
    expect(map!.x).toBeGreaterThanOrEqual(list!.x + list!.width);
    await page.screenshot({ path: join(ARTIFACTS, 'desktop-tracking.png') });
    await page.setViewportSize({ width: 390, height: 844 });
  });

  it('says "reconnecting" when the network drops, and comes back by itself', async () => {
    proxy.cut();
    await page.locator('#conn-state', { hasText: 'Reconnecting…' }).waitFor({ timeout: 10_000 });
    proxy.restore();
    await page.locator('#conn-state', { hasText: 'Live' }).waitFor({ timeout: 15_000 });
    const updated = await page.locator('#updated-at').textContent();
    expect(updated).toMatch(/^updated [0-2] s ago$/);
  });

  it('stops the tracking with the keyboard and shows the stopped state', async () => {
    const id = trackingId();
    await page.getByRole('button', { name: 'Stop tracking' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('#notice', { hasText: 'Tracking stopped (stopped by user).' }).waitFor();
    await expect(page.locator('#conn-state').textContent()).resolves.toBe('Ended');
    await expect(page.getByRole('button', { name: 'Stop tracking' }).isHidden()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: 'Track again' }).isVisible()).resolves.toBe(true);
    expect((await sys.http().get(`/api/trackings/${id}`).expect(200)).body.status).toBe('stopped');
    // Focus lands on what to do next, and the greyed rows are history: no ETA left on them.
    expect(await page.evaluate('document.activeElement?.id')).toBe('track-again');
    expect(await page.$$eval('#bus-list .bus-eta', (etas) => etas.map((e) => e.textContent).filter(Boolean))).toEqual(
      [],
    );
    await page.screenshot({ path: join(ARTIFACTS, 'live-page-stopped.png'), fullPage: true });
    // Dark mode: the notice box follows it, and stays readable.
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await page.evaluate("getComputedStyle(document.getElementById('notice')).backgroundColor")).toBe(
      'rgb(34, 45, 58)',
    );
    expect(await axeViolations()).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'live-page-stopped-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('tracks the same lines again, and a reload comes back to the tracking on screen', async () => {
    const stopped = trackingId();
    await page.getByRole('button', { name: 'Track again' }).click();
    await page.waitForURL((url) => /#tracking=/.test(url.hash) && !url.hash.includes(stopped));
    const again = trackingId();
    const tracking = (await sys.http().get(`/api/trackings/${again}`).expect(200)).body;
    expect(tracking).toMatchObject({ stopId: STOP.id, lines: ['103', '109'], status: 'active' });
    await page.locator('#conn-state', { hasText: 'Live' }).waitFor();

    await page.reload();
    await page.getByRole('heading', { name: `Stop ${STOP.id}` }).waitFor();
    await page.locator('#bus-list li.bus').first().waitFor({ timeout: 15_000 });
    await expect(page.locator('#tracking-lines').textContent()).resolves.toBe('103109');
    await page.getByRole('button', { name: 'Stop tracking' }).click();
    await page.locator('#notice', { hasText: 'Tracking stopped' }).waitFor();
    await page.getByRole('button', { name: 'Another stop' }).click();
    await page.getByLabel('Street or stop number').waitFor();
    expect(new URL(page.url()).hash).toBe('');
  });

  it('says an unknown tracking link is not found, and keeps saying it', async () => {
    await page.goto(`${base}/#tracking=${randomUUID()}`);
    await page.locator('#notice', { hasText: 'This tracking was not found' }).waitFor();
    await page.waitForTimeout(1_500); // the page redraws every second: the notice must survive it
    await expect(page.locator('#notice').textContent()).resolves.toMatch(/^This tracking was not found/);
    await expect(page.locator('#conn-state').textContent()).resolves.toBe('Not found');
    await expect(page.getByRole('heading', { name: 'Tracking not found' }).isVisible()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Another stop' }).click();
    await page.getByLabel('Street or stop number').waitFor();
  });

  it('links to the API documentation and the queue dashboard, and raised no error', async () => {
    const links = await page.$$eval('footer a', (as) => as.map((a) => a.getAttribute('href')));
    expect(links).toEqual(['/docs', '/admin/queues']);
    expect(pageErrors).toEqual([]);
  });

  it('formats ETAs and places buses on a route as riders expect (the page’s own helpers)', async () => {
    // The page's own modules, loaded by the browser and called there.
    // A string, so TypeScript leaves import() alone (it would make it a require() for CommonJS).
    await page.evaluate(
      "Promise.all([import('/js/format.mjs'), import('/js/route-strip.mjs'), import('/js/tracking-notice.mjs')])" +
        '.then((modules) => { globalThis.helpers = Object.assign({}, ...modules); })',
    );
    await page.waitForFunction(() => 'helpers' in globalThis);
    const results = await page.evaluate(() => {
      const h = (globalThis as unknown as { helpers: PageHelpers }).helpers;
      const eta = (status: string, etaSeconds: number | null): string => h.etaText({ status, etaSeconds });
      // Three stops due east along a parallel, 0.01° (about 900 m) apart.
      const stops = [0, 1, 2].map((i) => ({ latitude: -34.9, longitude: -56.2 + i * 0.01 }));
      return {
        etas: [
          eta('arriving', 200),
          eta('approaching', 20),
          eta('approaching', 60),
          eta('on_the_way', 719),
          eta('calculating', null),
          eta('passed', 5),
        ],
        distances: [h.distanceText(172), h.distanceText(1250), h.distanceText(12_400)],
        halfway: h.positionOnRoute(stops, [-56.195, -34.9], 2).index,
        atStop: h.positionOnRoute(stops, [-56.19, -34.9], 2).index,
        offRoute: h.positionOnRoute(stops, [-56.195, -34.8991], 2).offMeters,
        away: [h.stopsAway(0.5, 2), h.stopsAway(1, 2), h.stopsAway(1.5, 2), h.stopsAway(2, 2)],
        names: [
          h.stopName({ street1: 'AV 8 DE OCTUBRE', street2: 'BV JOSE BATLLE Y ORDOÑEZ' }),
          h.stopName({ street1: null, street2: null }),
        ],
      };
    });
    expect(results.etas).toEqual(['arriving', 'arriving', '1 min', '12 min', '–', 'passed']);
    expect(results.distances).toEqual(['170 m', '1.3 km', '12 km']);
    expect(results.halfway).toBeCloseTo(0.5, 2);
    expect(results.atStop).toBeCloseTo(1, 2);
    expect(results.offRoute).toBeGreaterThan(90);
    expect(results.offRoute).toBeLessThan(110);
    expect(results.away).toEqual([2, 1, 1, 0]);
    const notices = await page.evaluate((states) => {
      const h = (globalThis as unknown as { helpers: PageHelpers }).helpers;
      return states.map((state) => h.trackingNotice(state as Parameters<PageHelpers['trackingNotice']>[0]).text);
    }, noticeStates());
    expect(notices).toEqual([
      'Connecting to the live feed…',
      'Calculating: waiting for the first bus positions…',
      'No buses yet: no bus of line 103, 109 is coming to this stop right now. We keep looking.',
      'Calculating arrival times: a bus needs a few positions before we can tell.',
      '',
      'Stale data: the newest bus position is 2 min old. We keep trying.',
      'Tracking expired: no bus of the tracked lines seen for 5 minutes. Start again to see buses.',
      'Tracking failed: 8 consecutive failed ticks. Start again to see buses.',
    ]);
    expect(results.names).toEqual(['Av 8 de Octubre y Bv Jose Batlle y Ordoñez', 'Unnamed stop']);
  });
});

/** The helpers of public/js/format.mjs, route-strip.mjs and tracking-notice.mjs the test calls. */
interface PageHelpers {
  trackingNotice(state: { tracking: object; data: object | null; buses: object[]; sinceEventS: number }): {
    text: string;
  };
  etaText(bus: { status: string; etaSeconds: number | null }): string;
  distanceText(meters: number): string;
  stopName(stop: { street1: string | null; street2: string | null }): string;
  positionOnRoute(
    stops: { latitude: number; longitude: number }[],
    location: [number, number],
    until: number,
  ): { index: number; offMeters: number };
  stopsAway(index: number, until: number): number;
}

/** The states of a tracking a rider must tell apart, as trackingNotice() takes them. */
function noticeStates(): object[] {
  const tracking = { status: 'active', lines: ['103', '109'], stopReason: null };
  const data = { lastSuccessAt: '2026-11-29T16:00:00.000Z', buses: [] };
  const bus = (status: string, dataAgeSeconds: number): object => ({ status, dataAgeSeconds });
  const state = (t: object, d: object | null, buses: object[], sinceEventS = 0): object => ({
    tracking: t,
    data: d,
    buses,
    sinceEventS,
  });
  return [
    state(tracking, null, []),
    state(tracking, { ...data, lastSuccessAt: null }, []),
    state(tracking, data, []),
    state(tracking, data, [bus('calculating', 5)]),
    state(tracking, data, [bus('calculating', 5), bus('approaching', 10)]),
    state(tracking, data, [bus('approaching', 100)], 20),
    state({ ...tracking, status: 'expired', stopReason: 'no bus of the tracked lines seen for 5 minutes' }, data, []),
    state({ ...tracking, status: 'failed', stopReason: '8 consecutive failed ticks' }, data, []),
  ];
}
