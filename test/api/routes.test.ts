import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyOf, startTestServer, TOKEN, type TestServer } from './harness.js';

// Every operation in the OpenAPI document, with sample path values.
const SAMPLE_PARAMS: Record<string, string> = {
  curationType: 'wildrydes-rydebooking',
  name: '20270104100000K3QZ8A_wildrydes_rydebooking',
  database: 'wildrydes',
  table: 'rydebookings',
};

describe('HTTP API: authentication on every route', () => {
  let t: TestServer;
  let operations: { method: string; path: string }[];

  beforeAll(async () => {
    t = await startTestServer();
    const doc = await t.json('/api/v1/openapi.json');
    operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) =>
      Object.keys(ops).map((method) => ({
        method: method.toUpperCase(),
        path: `/api/v1${p.replace(/\{(\w+)\}/g, (_, k: string) => SAMPLE_PARAMS[k] ?? k)}`,
      })),
    );
  });
  afterAll(async () => {
    expect(t.internalErrors).toEqual([]);
    await t.close();
  });

  it('documents every endpoint the issue asks for', () => {
    const listed = operations.map((o) => `${o.method} ${o.path}`);
    for (const expected of [
      'GET /api/v1/curations',
      'GET /api/v1/curations/wildrydes-rydebooking',
      'PUT /api/v1/curations/wildrydes-rydebooking',
      'DELETE /api/v1/curations/wildrydes-rydebooking',
      'POST /api/v1/curations/wildrydes-rydebooking/runs',
      'GET /api/v1/runs/20270104100000K3QZ8A_wildrydes_rydebooking',
      'POST /api/v1/runs/20270104100000K3QZ8A_wildrydes_rydebooking/cancel',
      'GET /api/v1/history',
      'GET /api/v1/schedule/next',
      'POST /api/v1/curations/wildrydes-rydebooking/backfills',
      'GET /api/v1/catalog',
      'GET /api/v1/curations/wildrydes-rydebooking/script',
    ]) {
      expect(listed).toContain(expected);
    }
  });

  it('refuses every API operation without a token, with a wrong token, and with another scheme (401)', async () => {
    expect(operations.length).toBeGreaterThanOrEqual(15);
    // The OpenAPI document alone is open (it holds no data): test/browser/api-reference.test.ts.
    const all = [...operations, { method: 'POST', path: '/api/v1/openapi.json' }, { method: 'GET', path: '/api/v1/no-such-route' }];
    for (const op of all) {
      for (const auth of [false, 'wrong-token', `${TOKEN}x`, TOKEN.slice(0, -1)] as const) {
        const res = await t.api(op.path, { method: op.method, auth, body: op.method === 'GET' || op.method === 'DELETE' ? undefined : '{}' });
        expect(res.status, `${op.method} ${op.path} auth=${String(auth)}`).toBe(401);
        expect(res.headers.get('www-authenticate')).toBe('Bearer realm="adp"');
        expect((await bodyOf(res)).error.code).toBe('UNAUTHORIZED');
      }
      const basic = await t.api(op.path, { method: op.method, auth: false, headers: { authorization: `Basic ${btoa(`x:${TOKEN}`)}` } });
      expect(basic.status).toBe(401);
    }
    // Nothing was changed by the refused calls.
    const list = await t.json('/api/v1/curations');
    expect(list.curations.map((c: any) => c.curationType)).toEqual(['wildrydes-rydebooking']);
    expect((await t.json('/api/v1/history')).records).toEqual([]);
  });

  it('lets the right token through on every operation (no 401, no 500)', async () => {
    for (const op of operations) {
      if (op.method === 'DELETE') continue; // keeps the curation for the other calls; covered in curations.test.ts
      const res = await t.api(op.path, { method: op.method, body: op.method === 'GET' ? undefined : '{}' });
      expect(res.status, `${op.method} ${op.path}`).not.toBe(401);
      expect(res.status, `${op.method} ${op.path}`).toBeLessThan(500);
    }
  });

  it('keeps /healthz and /metrics open by default', async () => {
    expect((await t.api('/healthz', { auth: false })).status).toBe(200);
    const metrics = await t.api('/metrics', { auth: false });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/# TYPE adp_runs_total counter/);
  });

  it('sends security headers and no CORS headers', async () => {
    const res = await t.api('/api/v1/curations', { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const preflight = await t.api('/api/v1/curations', {
      method: 'OPTIONS',
      auth: false,
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'PUT' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('refuses bodies over the limit with 413 before reading them', async () => {
    const big = JSON.stringify({ curationType: 'x'.repeat(2 * 1024 * 1024) });
    const res = await t.api('/api/v1/curations/big', { method: 'PUT', body: big });
    expect(res.status).toBe(413);
    expect((await bodyOf(res)).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers malformed JSON and wrong content types with 400 and 415', async () => {
    const bad = await t.api('/api/v1/curations/x', { method: 'PUT', body: '{"curationType": ' });
    expect(bad.status).toBe(400);
    const form = await t.api('/api/v1/curations/x', { method: 'PUT', body: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(415);
  });

  it('serves an OpenAPI 3.1 document built from the domain schemas', async () => {
    const doc = await t.json('/api/v1/openapi.json');
    expect(doc.openapi).toBe('3.1.0');
    const def = doc.components.schemas.CurationDefinition;
    expect(def.required).toEqual(expect.arrayContaining(['curationType', 'sqlFilePath', 'cronExpression', 'glueDetails', 'outputDetails']));
    expect(def.additionalProperties).toBe(false);
    expect(def.properties.curationType.pattern).toBe('^[A-Za-z0-9._-]{1,64}$');
    expect(doc.components.schemas.HistoryRecord.properties.status.enum).toContain('timed_out');
    expect(doc.components.securitySchemes.bearerAuth).toEqual({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
  });
});

describe('HTTP API: configurable openness', () => {
  it('can require the token on /healthz and /metrics, and open reads while changes stay closed', async () => {
    const t = await startTestServer({ auth: { openHealthz: false, openMetrics: false, authenticateReads: false } });
    try {
      expect((await t.api('/healthz', { auth: false })).status).toBe(401);
      expect((await t.api('/metrics', { auth: false })).status).toBe(401);
      expect((await t.api('/metrics')).status).toBe(200);
      expect((await t.api('/api/v1/curations', { auth: false })).status).toBe(200);
      expect((await t.api('/api/v1/curations/wildrydes-rydebooking/runs', { method: 'POST', auth: false, body: '{}' })).status).toBe(401);
      expect((await t.api('/api/v1/curations/wildrydes-rydebooking', { method: 'DELETE', auth: false })).status).toBe(401);
      // A wrong token is refused even where no token is needed.
      expect((await t.api('/api/v1/curations', { auth: 'wrong' })).status).toBe(401);
    } finally {
      await t.close();
    }
  });
});
