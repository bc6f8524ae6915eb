import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../api/harness.js';
import { ARTIFACTS, buildWeb, CHROMIUM, launch, watchErrors, WEB_ROOT } from './chromium.js';

describe('the OpenAPI document is open, every data route is not', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ rows: 20 });
  });
  afterAll(async () => t?.close());

  it('GET /api/v1/openapi.json needs no token; the data routes still answer 401 without one', async () => {
    const doc = await fetch(`${t.server.url}/api/v1/openapi.json`);
    expect(doc.status).toBe(200);
    const body = (await doc.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(['/runs/{name}/events', '/runs/{name}/retry', '/curations/{curationType}/enabled']));
    for (const p of ['/api/v1/curations', '/api/v1/runs', '/api/v1/history', '/api/v1/openapi.json/../curations']) {
      expect((await fetch(`${t.server.url}${p}`)).status, p).toBe(401);
    }
    expect((await fetch(`${t.server.url}/api/v1/openapi.json`, { method: 'POST' })).status).toBe(401);
  });
});

describe.skipIf(!CHROMIUM && !process.env.CI)('API reference page in Chromium', () => {
  let t: TestServer;
  let context: BrowserContext;
  beforeAll(async () => {
    buildWeb();
    t = await startTestServer({ rows: 20, server: { webRoot: WEB_ROOT } });
    context = await launch(fs.mkdtempSync(path.join(t.home, 'chromium-')));
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await context?.close();
    expect(t.internalErrors).toEqual([]);
    await t?.close();
  });

  it('opens from the header link and lists the operations, their parameters and schemas, from this server only', async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    const hosts = new Set<string>();
    page.on('request', (r) => hosts.add(new URL(r.url()).hostname));
    await page.goto(t.server.loginUrl!);
    await page.getByRole('link', { name: 'API', exact: true }).click();
    await expect.poll(() => page.locator('h1').innerText(), { timeout: 15_000 }).toContain('adp API');
    const op = page.locator('[data-operation="GET /runs/{name}/events"]');
    expect(await op.count()).toBe(1);
    await op.locator('summary').click();
    expect(await op.innerText()).toContain('/api/v1/runs/{name}/events');
    expect(await op.locator('td.mono', { hasText: 'name' }).count()).toBeGreaterThan(0);
    expect(await page.locator('[data-operation="POST /runs/{name}/retry"]').count()).toBe(1);
    expect(await page.locator('#schema-RunEvent').count()).toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'api-reference.png'), fullPage: false });
    expect([...hosts]).toEqual(['127.0.0.1']);
    expect(errors).toEqual([]);
    await page.close();
  });
});
