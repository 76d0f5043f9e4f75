import { upstreamEndpoint, upstreamOutcome } from './upstream-labels';

const API = 'https://api.montevideo.gub.uy/api/transportepublico';
const TOKEN = 'https://mvdapi-auth.montevideo.gub.uy/token';

describe('upstreamEndpoint', () => {
  it.each<[string, string | undefined]>([
    [`${API}/buses`, 'buses'],
    [`${API}/buses?lines=21,G`, 'buses'],
    [`${API}/buses/busstops`, 'busstops'],
    [`${API}/buses/busstops/3227/lines`, 'busstop_lines'],
    [`${API}/buses/busstops/3227/upcomingbuses?lines=103&amountperline=3`, 'upcoming_buses'],
    [`${API}/buses/linevariants`, 'linevariants'],
    [`${API}/buses/linevariants/`, 'linevariants'],
    [`${API}/something/else`, 'other'],
    [TOKEN, 'token'],
    ['https://example.com/buses', undefined],
    ['http://127.0.0.1:3001/health', undefined],
  ])('%s → %s', (url, endpoint) => {
    expect(upstreamEndpoint(url, API, TOKEN)).toBe(endpoint);
  });

  it('keeps one label per stop-scoped endpoint whatever the stop (bounded cardinality)', () => {
    const labels = new Set(
      [1, 22, 3227, 9999].map((id) => upstreamEndpoint(`${API}/buses/busstops/${id}/lines`, API, TOKEN)),
    );
    expect([...labels]).toEqual(['busstop_lines']);
  });
});

describe('upstreamOutcome', () => {
  it.each<[number | undefined, string | undefined, string]>([
    [200, undefined, 'ok'],
    [204, undefined, 'ok'],
    [304, undefined, 'ok'],
    [400, undefined, 'client_error'],
    [404, undefined, 'client_error'],
    [401, undefined, 'unauthorized'],
    [403, undefined, 'unauthorized'],
    [429, undefined, 'rate_limited'],
    [500, undefined, 'server_error'],
    [503, undefined, 'server_error'],
    [undefined, 'ECONNABORTED', 'timeout'],
    [undefined, 'ETIMEDOUT', 'timeout'],
    [undefined, 'ECONNREFUSED', 'network_error'],
    [undefined, undefined, 'network_error'],
  ])('status %s code %s → %s', (status, code, outcome) => {
    expect(upstreamOutcome(status, code)).toBe(outcome);
  });
});
