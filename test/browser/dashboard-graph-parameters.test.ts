import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../api/harness.js';
import { sampleDefinition } from '../helpers/definitions.js';
import { ARTIFACTS, buildWeb, CHROMIUM, launch, watchErrors, WEB_ROOT } from './chromium.js';

// The dashboard's dependency graph, parameter inputs of run-now and backfill,
// and the run page's rendered SQL and quality checks, in Chromium.

const TYPE = 'wildrydes-rydebooking';

/** A definition of the example home under another name. */
function definition(curationType: string, patch: Record<string, unknown> = {}) {
  const sample = sampleDefinition();
  return { ...sample, curationType, outputDetails: { ...sample.outputDetails, outputBucket: 'wildrydes-dev-curated' }, ...patch };
}

describe.skipIf(!CHROMIUM && !process.env.CI)('dashboard in Chromium: graph, parameters, rendered SQL and checks', () => {
  let t: TestServer;
  let context: BrowserContext;

  beforeAll(async () => {
    buildWeb();
    t = await startTestServer({ server: { webRoot: WEB_ROOT } });
    context = await launch(fs.mkdtempSync(path.join(t.home, 'chromium-')));
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const page = await context.newPage();
    await page.goto(t.server.loginUrl!);
    await page.close();
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    expect(t.internalErrors).toEqual([]);
    await t?.close();
  });

  it('draws the dependency graph in layers, marks an unregistered upstream, and links each curation', async () => {
    await t.json('/api/v1/curations/graph-mid', { method: 'PUT', body: JSON.stringify(definition('graph-mid', { dependsOn: [TYPE, 'not-registered'] })), expect: 201 });
    await t.json('/api/v1/curations/graph-end', { method: 'PUT', body: JSON.stringify(definition('graph-end', { dependsOn: ['graph-mid'] })), expect: 201 });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${t.server.url}/`);
    await page.locator('main').getByRole('link', { name: 'Dependency graph' }).click();
    await page.waitForURL(/#\/graph$/);
    await expect.poll(() => page.locator('h1').innerText()).toBe('Dependencies');

    const node = (name: string) => page.locator(`svg.graph [data-node="${name}"]`);
    await node('graph-end').waitFor();
    expect(await page.locator('svg.graph [data-node]').count()).toBe(4);
    expect(await page.locator('svg.graph path[data-edge]').count()).toBe(3);
    const missing = node('not-registered');
    expect(await missing.getAttribute('class')).toContain('graph-node-missing');
    expect(await missing.getAttribute('aria-label')).toBe('not-registered (not registered)');
    expect(await missing.evaluate((e) => e.tagName)).toBe('g'); // not a link: there is no page to go to
    // Upstreams left of what waits for them.
    const x = async (name: string) => (await node(name).boundingBox())!.x;
    expect(await x(TYPE)).toBeLessThan(await x('graph-mid'));
    expect(await x('not-registered')).toBeLessThan(await x('graph-mid'));
    expect(await x('graph-mid')).toBeLessThan(await x('graph-end'));

    // The same facts as a table.
    const row = page.getByTestId('dependencies').locator('tbody tr', { has: page.getByRole('rowheader', { name: 'graph-mid', exact: true }) });
    const waitsFor = row.locator('td').nth(0);
    expect(await waitsFor.locator('a').allInnerTexts()).toEqual([TYPE]);
    expect(await waitsFor.locator('.tag-missing').innerText()).toBe('not-registered (not registered)');
    expect(await row.locator('td').nth(1).innerText()).toBe('graph-end');
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-graph.png'), fullPage: true });

    // Keyboard: a box is a link to its curation.
    await node('graph-end').focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/curations\/graph-end$/);
    await expect.poll(() => page.locator('h1').innerText()).toBe('graph-end');
    await expect.poll(() => page.locator('.kv-row', { hasText: 'Depends on' }).innerText()).toContain('graph-mid');
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
