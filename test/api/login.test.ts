import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TOKEN, type TestServer } from './harness.js';

/** `name=value` of the session cookie a response sets, and its attributes. */
function sessionCookie(res: Response): { pair: string; attributes: string } | undefined {
  const header = res.headers.get('set-cookie');
  if (!header) return undefined;
  const [pair = '', ...rest] = header.split(';');
  return { pair: pair.trim(), attributes: rest.join(';') };
}

describe('HTTP API: browser login with the token URL', () => {
  let t: TestServer;
  let port: string;
  beforeAll(async () => {
    t = await startTestServer();
    port = new URL(t.server.url).port;
  });
  afterAll(async () => {
    expect(t.internalErrors).toEqual([]);
    await t.close();
  });

  it('prints a login URL with the token', () => {
    expect(t.server.loginUrl).toBe(`${t.server.url}/?token=${TOKEN}`);
  });

  it('sets an HttpOnly SameSite=Strict session cookie and redirects to the URL without the token', async () => {
    const res = await t.api(`/?view=runs&token=${TOKEN}`, { auth: false });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/?view=runs');
    const cookie = sessionCookie(res)!;
    expect(cookie.pair).toMatch(new RegExp(`^adp_session_${port}=\\d+\\.[A-Za-z0-9_-]+$`));
    expect(cookie.pair).not.toContain(TOKEN);
    expect(cookie.attributes).toMatch(/HttpOnly/);
    expect(cookie.attributes).toMatch(/SameSite=Strict/);
    expect(cookie.attributes).toMatch(/Path=\//);
    expect(cookie.attributes).toMatch(/Max-Age=\d+/);

    const withCookie = await t.api('/api/v1/curations', { auth: false, headers: { cookie: cookie.pair } });
    expect(withCookie.status).toBe(200);
  });

  it('redirects a wrong token to ?login=failed without a cookie', async () => {
    const res = await t.api('/?token=wrong', { auth: false });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/?login=failed');
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('accepts changes with the cookie from the same origin only', async () => {
    const { pair } = sessionCookie(await t.api(`/?token=${TOKEN}`, { auth: false }))!;
    const post = (headers: Record<string, string>) =>
      t.api('/api/v1/curations/wildrydes-rydebooking/runs', { method: 'POST', auth: false, body: '{}', headers: { cookie: pair, ...headers } });
    expect((await post({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await post({ 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect((await post({ origin: 'http://evil.example' })).status).toBe(403);
    const ok = await post({ 'sec-fetch-site': 'same-origin', origin: t.server.url });
    expect(ok.status).toBe(202);
    await t.launcher.idle();
  });

  it('refuses forged, tampered and foreign cookies, and a wrong bearer even beside a good cookie', async () => {
    const { pair } = sessionCookie(await t.api(`/?token=${TOKEN}`, { auth: false }))!;
    const [name, value] = pair.split('=') as [string, string];
    const [expires, signature] = value.split('.') as [string, string];
    const variants = [
      `${name}=${Number(expires) + 1000}.${signature}`,
      `${name}=${expires}.${signature.slice(0, -2)}AA`,
      `${name}=1.${signature}`,
      `${name}=${TOKEN}`,
      `adp_session_1=${value}`,
    ];
    for (const cookie of variants) {
      expect((await t.api('/api/v1/curations', { auth: false, headers: { cookie } })).status, cookie).toBe(401);
    }
    expect((await t.api('/api/v1/curations', { auth: 'wrong', headers: { cookie: pair } })).status).toBe(401);
  });

  it('logs in from the form (POST /login) and out (POST /logout)', async () => {
    const form = (token: string) =>
      t.api('/login', { method: 'POST', auth: false, body: new URLSearchParams({ token }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const bad = await form('nope');
    expect(bad.headers.get('location')).toBe('/?login=failed');
    const good = await form(TOKEN);
    expect(good.status).toBe(303);
    expect(good.headers.get('location')).toBe('/');
    expect(sessionCookie(good)?.attributes).toMatch(/HttpOnly/);
    const out = await t.api('/logout', { method: 'POST', auth: false });
    expect(out.status).toBe(303);
    expect(sessionCookie(out)?.attributes).toMatch(/Max-Age=0/);
    const crossSite = await t.api('/login', {
      method: 'POST',
      auth: false,
      body: new URLSearchParams({ token: TOKEN }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
    });
    expect(crossSite.status).toBe(403);
  });
});
