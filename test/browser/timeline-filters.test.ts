import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyRecordFixture } from '../../src/ports/state-store.contract.js';
import { startTestServer, type TestServer } from '../api/harness.js';
import { ARTIFACTS, buildWeb, CHROMIUM, launchLoggedIn, watchErrors, WEB_ROOT } from './chromium.js';

const RUNS = 4000;

describe.skipIf(!CHROMIUM && !process.env.CI)('timeline in Chromium: buckets, status toggles, name search, curation filter, zoom', () => {
  let t: TestServer;
  let context: BrowserContext;
  const now = Date.now();

  beforeAll(async () => {
    buildWeb();
    t = await startTestServer({ server: { webRoot: WEB_ROOT } });
    // 4,000 runs over the last 20 hours in two curations (more than the page asks for one by one); every 10th failed.
    for (let i = 0; i < RUNS; i++) {
      const curationType = i % 4 === 0 ? 'nightly-report' : 'hourly-load';
      const startedMs = now - 20 * 3600_000 + i * 18_000;
      await t.project.state.finishRun(
        historyRecordFixture({
          curationType,
          curationExecutionName: `${String(i).padStart(6, '0')}_${curationType.replace('-', '_')}`,
          timestamp: startedMs + 1_000 + (i % 50) * 100,
          startedAt: new Date(startedMs).toISOString(),
          durationMs: 1_000 + (i % 50) * 100,
          status: i % 10 === 3 ? 'failed' : 'succeeded',
        }),
      );
    }
    for (const type of ['nightly-report', 'hourly-load']) {
      const sample = await t.json('/api/v1/curations/wildrydes-rydebooking');
      await t.json(`/api/v1/curations/${type}`, { method: 'PUT', body: JSON.stringify({ ...sample.definition, curationType: type }), expect: 201 });
    }
    context = await launchLoggedIn(t.home, t.server.loginUrl!);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    expect(t.internalErrors).toEqual([]);
    await t?.close();
  });

  const total = (page: Page) => page.locator('figure.timeline').getAttribute('data-total').then(Number);
  const mode = (page: Page) => page.locator('figure.timeline').getAttribute('data-mode');
  /** The recent-runs table under the chart: each row's status, curation and run name. */
  const recentRows = (page: Page) =>
    page.locator('section[aria-labelledby="recent-h"] table tbody tr').evaluateAll((rows) =>
      rows.map((r) => {
        const cells = [...r.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim());
        return { status: cells[0]!, curation: cells[1]!, name: cells.at(-1)! };
      }),
    );

  it('draws 4,000 runs as counted buckets, and the filters narrow them and the recent-runs table under them', async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`${t.server.url}/#/`);
    await expect.poll(() => mode(page), { timeout: 15_000 }).toBe('buckets');
    expect(await total(page)).toBe(RUNS);
    expect(await page.locator('figure.timeline figcaption').innerText()).toMatch(/4,000 runs, counted per/);
    // The first load fetched the compact timeline, never a page of whole history records for the chart.
    expect(requests.filter((u) => u.includes('/api/v1/history')).every((u) => u.includes('limit=25'))).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'timeline-buckets.png') });

    // Unfiltered, the table holds the 25 newest: mostly succeeded.
    await expect.poll(async () => (await recentRows(page)).length, { timeout: 15_000 }).toBe(25);
    expect((await recentRows(page)).some((r) => r.status === 'Succeeded')).toBe(true);

    await page.getByRole('button', { name: 'Succeeded' }).click();
    await expect.poll(() => total(page)).toBe(RUNS / 10);
    expect(await page.getByRole('button', { name: 'Succeeded' }).getAttribute('aria-pressed')).toBe('false');
    // 400 failed runs: few enough to come back one by one.
    expect(await mode(page)).toBe('points');
    // The table under the chart follows the same toggles: 25 failed runs, the newest first.
    await expect.poll(async () => (await recentRows(page)).map((r) => r.status)).toEqual(Array(25).fill('Failed'));
    expect((await recentRows(page))[0]!.name).toBe('003993_hourly_load');
    await page.getByRole('button', { name: 'Succeeded' }).click();
    await expect.poll(() => total(page)).toBe(RUNS);

    await page.getByRole('searchbox', { name: 'Search runs by name' }).fill('0012');
    // "0012" is in 001200–001299, 000120–000129 and 000012: 111 names.
    await expect.poll(() => total(page)).toBe(111);
    await expect.poll(async () => (await recentRows(page)).map((r) => r.name.slice(0, 6))).toEqual(Array.from({ length: 25 }, (_, i) => String(1299 - i).padStart(6, '0')));
    await page.getByRole('searchbox', { name: 'Search runs by name' }).fill('no such run');
    await expect.poll(() => page.locator('section[aria-labelledby="recent-h"] .empty').innerText()).toBe('No runs match the filters above.');
    await page.getByRole('searchbox', { name: 'Search runs by name' }).fill('');
    await expect.poll(() => total(page)).toBe(RUNS);

    await page.getByRole('combobox', { name: 'Curation' }).selectOption('nightly-report');
    await expect.poll(() => total(page)).toBe(RUNS / 4);
    await expect.poll(async () => new Set((await recentRows(page)).map((r) => r.curation))).toEqual(new Set(['nightly-report']));
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('zooming by start time loads the zoomed window again, so buckets resolve into runs', async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${t.server.url}/#/`);
    await expect.poll(() => mode(page), { timeout: 15_000 }).toBe('buckets');
    const box = (await page.locator('.timeline-plot .u-over').boundingBox())!;
    // The runs span the last 20 of 24 hours: drag over a narrow slice in the middle of them.
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.53, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => mode(page)).toBe('points');
    const zoomed = await total(page);
    expect(zoomed).toBeGreaterThan(0);
    expect(zoomed).toBeLessThan(RUNS / 10);
    await page.getByRole('button', { name: 'Reset zoom' }).click();
    await expect.poll(() => total(page)).toBe(RUNS);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
