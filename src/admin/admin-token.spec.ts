import { adminVerdict, bearerToken, cookieValue, tokenMatches, uiSessionValid, uiSessionValue } from './admin-token';

const TOKEN = 'a-long-admin-token-0123';

describe('tokenMatches', () => {
  it.each<[string, boolean]>([
    [TOKEN, true],
    [TOKEN + 'x', false],
    [TOKEN.slice(0, -1), false],
    ['', false],
    [TOKEN.toUpperCase(), false],
  ])('%j → %s', (presented, ok) => {
    expect(tokenMatches(TOKEN, presented)).toBe(ok);
  });
});

describe('bearerToken', () => {
  it.each<[string | undefined, string | undefined]>([
    [`Bearer ${TOKEN}`, TOKEN],
    [`bearer ${TOKEN}`, TOKEN],
    [`Bearer   ${TOKEN}  `, TOKEN],
    [`Basic ${TOKEN}`, undefined],
    ['Bearer', undefined],
    ['Bearer a b', undefined],
    [undefined, undefined],
  ])('%j → %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});

describe('adminVerdict', () => {
  it.each<[string | undefined, string | undefined, string]>([
    [undefined, `Bearer ${TOKEN}`, 'disabled'],
    ['', `Bearer ${TOKEN}`, 'disabled'],
    [TOKEN, undefined, 'missing'],
    [TOKEN, 'Basic abc', 'missing'],
    [TOKEN, 'Bearer wrong-token', 'invalid'],
    [TOKEN, `Bearer ${TOKEN}`, 'ok'],
  ])('configured %j, header %j → %s', (expected, header, verdict) => {
    expect(adminVerdict(expected, header)).toBe(verdict);
  });
});

describe('queue UI session', () => {
  const now = 1_800_000_000_000;

  it('accepts its own value until it expires', () => {
    const value = uiSessionValue(TOKEN, now + 1000);
    expect(uiSessionValid(TOKEN, value, now)).toBe(true);
    expect(uiSessionValid(TOKEN, value, now + 1000)).toBe(false);
  });

  it('does not contain the token', () => {
    expect(uiSessionValue(TOKEN, now)).not.toContain(TOKEN);
  });

  it('stops working when the token changes', () => {
    expect(uiSessionValid('another-admin-token-456', uiSessionValue(TOKEN, now + 1000), now)).toBe(false);
  });

  it('refuses a forged expiry (the MAC covers it) and malformed values', () => {
    const [, mac] = uiSessionValue(TOKEN, now + 1000).split('.');
    expect(uiSessionValid(TOKEN, `${now + 10_000_000}.${mac}`, now)).toBe(false);
    for (const bad of [undefined, '', 'abc', `${now + 1000}.`, `.${mac}`, `${now + 1000}.${mac}x`]) {
      expect(uiSessionValid(TOKEN, bad, now)).toBe(false);
    }
  });
});

describe('cookieValue', () => {
  it('finds one cookie among several', () => {
    expect(cookieValue('a=1; bt_admin=2.abc; c=3', 'bt_admin')).toBe('2.abc');
    expect(cookieValue('bt_admin_x=1', 'bt_admin')).toBeUndefined();
    expect(cookieValue(undefined, 'bt_admin')).toBeUndefined();
  });
});
