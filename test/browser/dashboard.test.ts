import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TOKEN, type TestServer } from '../api/harness.js';
import { ARTIFACTS, buildWeb, CHROMIUM, launch, watchErrors, WEB_ROOT } from './chromium.js';

const TYPE = 'wildrydes-rydebooking';

// CI installs Debian's chromium (.ci/run); elsewhere the test says why it did not run.
describe.skipIf(!CHROMIUM && !process.env.CI)('dashboard in Chromium', () => {
  let t: TestServer;
  let context: BrowserContext;
  let userDataDir: string;

  beforeAll(async () => {
    buildWeb();
    t = await startTestServer({ rows: 200, server: { webRoot: WEB_ROOT } });
    userDataDir = fs.mkdtempSync(path.join(t.home, 'chromium-'));
    context = await launch(userDataDir);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    expect(t.internalErrors).toEqual([]);
    await t?.close();
  });

  it('logs in through the token URL, runs the sample curation and shows its detail', async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);

    await page.goto(t.server.loginUrl!);
    // The token is gone from the address bar; the session cookie is HttpOnly and Strict.
    expect(page.url()).toBe(`${t.server.url}/`);
    const cookies = await context.cookies(t.server.url);
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(cookies[0]!.value).not.toContain(TOKEN);

    const row = page.locator('table.curations tbody tr', { hasText: TYPE });
    await expect.poll(() => row.count()).toBe(1);
    await expect.poll(() => row.locator('td').nth(2).innerText()).toContain('never run');
    // The next fire time is shown in the viewer's zone.
    await expect.poll(() => page.getByText('Times in Europe/Paris').count()).toBe(1);

    await row.getByRole('button', { name: `Run ${TYPE} now` }).click();
    await expect.poll(() => row.locator('.badge').first().innerText(), { timeout: 20_000 }).toContain('Succeeded');
    await expect.poll(() => page.locator('table.data').last().locator('tbody tr').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await page.locator('.timeline-plot canvas').first().waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-overview.png'), fullPage: true });

    // Zoom: drag across the plot to a time range, then back.
    await page.getByRole('button', { name: '1h' }).click();
    expect(await page.getByRole('button', { name: '1h' }).getAttribute('aria-pressed')).toBe('true');
    const box = (await page.locator('.timeline-plot .u-over').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.95, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.getByRole('button', { name: 'Reset zoom' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Reset zoom' }).count()).toBe(0);

    await row.locator('a.last-run').click();
    await page.waitForURL(/#\/runs\//);
    await expect.poll(() => page.getByTestId('run-status').innerText()).toContain('Succeeded');
    const main = page.locator('main');
    await expect.poll(() => main.locator('pre.sql').innerText()).toMatch(/select/i);
    const text = await main.innerText();
    expect(text).toMatch(/Output location\s+file:\/\//);
    expect(text).toMatch(/Rows\s+[\d,]+/);
    expect(text).toMatch(/Commit\s+[0-9a-f]{12}/);
    expect(text).toContain('Eunice the Unicorn'); // metadata of the sample
    expect(text).toContain('Wildrydes'); // its tag
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-run.png'), fullPage: true });

    // Keyboard: after a load the first Tab reaches the skip link, which moves focus to the page heading.
    await page.reload();
    await expect.poll(() => page.getByTestId('run-status').innerText()).toContain('Succeeded');
    await page.keyboard.press('Tab');
    expect(await page.evaluate("document.activeElement?.textContent")).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate("document.activeElement?.tagName")).toBe('H1');
    expect(page.url()).toMatch(/#\/runs\//);

    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('lets a keyboard user open a curation, preview a backfill and start it', async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${t.server.url}/#/curations/${TYPE}`);
    await expect.poll(() => page.locator('h1').innerText()).toBe(TYPE);
    await expect.poll(() => page.locator('ol.fires li').count()).toBe(5);

    const from = page.getByLabel('From', { exact: true });
    const to = page.getByLabel('To', { exact: true });
    // 01:00-01:10 in Paris is 00:00-00:10 UTC, where the sample fires every minute (cron(* 0/3 * * ? *)).
    await from.fill('2027-01-01T01:00');
    await to.fill('2027-01-01T01:10');
    await page.getByRole('button', { name: 'Preview' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.plan').innerText()).toMatch(/^11 runs in this range: 1 Jan 2027, 01:00:00 … 1 Jan 2027, 01:10:00\.$/);
    await page.getByRole('button', { name: 'Start backfill' }).click();
    await expect.poll(() => page.locator('.notices').innerText()).toMatch(/Queued 11 backfill runs of/);
    await t.launcher.idle();
    const backfilled = await t.json(`/api/v1/history?curationType=${TYPE}&limit=100`);
    expect(backfilled.records.filter((r: { trigger: string }) => r.trigger === 'backfill')).toHaveLength(11);
    await expect.poll(() => page.locator('table.data tbody tr', { hasText: 'backfill' }).count(), { timeout: 10_000 }).toBe(11);
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-curation.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows the login form to a browser without a session, and logs it in', async () => {
    const other = await launch(fs.mkdtempSync(path.join(t.home, 'chromium-')));
    try {
      const page = await other.newPage();
      const errors = watchErrors(page);
      await page.goto(`${t.server.url}/?token=wrong`);
      expect(page.url()).toBe(`${t.server.url}/?login=failed`);
      await expect.poll(() => page.getByRole('alert').innerText()).toContain('not accepted');
      await page.getByLabel('API token').fill(TOKEN);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(`${t.server.url}/`);
      await expect.poll(() => page.locator('table.curations tbody tr').count()).toBe(1);
      // Only the expected 401 of the first visit reached the console.
      expect(errors.filter((e) => !e.includes('401'))).toEqual([]);
    } finally {
      await other.close();
    }
  }, 60_000);
});
