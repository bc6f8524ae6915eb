import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitScript } from '../helpers/git.js';
import { putAndRun, startTestServer, type TestServer } from '../api/harness.js';
import { ARTIFACTS, buildWeb, CHROMIUM, launchLoggedIn, watchErrors, WEB_ROOT } from './chromium.js';

describe.skipIf(!CHROMIUM && !process.env.CI)('run page in Chromium: output preview', () => {
  let t: TestServer;
  let context: BrowserContext;

  beforeAll(async () => {
    buildWeb();
    t = await startTestServer({ server: { webRoot: WEB_ROOT } });
    commitScript(t.home, 'tests/preview.sql', "select i as id, 'ryde ' || i as name, CASE WHEN i % 5 = 0 THEN NULL ELSE i END as fare from range(100) t(i) order by i");
    context = await launchLoggedIn(t.home, t.server.loginUrl!);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    expect(t.internalErrors).toEqual([]);
    await t?.close();
  });

  const runWith = (type: string, output: Record<string, unknown>, athena: Record<string, unknown> = {}) =>
    putAndRun(t, type, { sqlFilePath: 'tests/preview.sql', outputDetails: output, athenaDetails: athena });

  it('shows the first rows of a Parquet output, NULL apart from text, and that the raw result was deleted', async () => {
    const record = await runWith('preview-parquet', { format: 'parquet' }, { deleteAthenaQueryFile: true });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${t.server.url}/#/runs/${record.curationExecutionName}`);
    const section = page.getByTestId('output-preview');
    await expect.poll(() => section.locator('table.preview tbody tr').count(), { timeout: 15_000 }).toBe(20);
    expect(await section.locator('thead th').allInnerTexts()).toEqual(['id', 'name', 'fare']);
    expect(await section.locator('tbody tr').nth(1).locator('td').allInnerTexts()).toEqual(['1', 'ryde 1', '1']);
    expect(await section.locator('tbody tr').first().locator('td.null').innerText()).toBe('NULL');
    expect(await section.innerText()).toMatch(/The first 20 rows.*parquet \(zstd\)/s);
    const out = page.locator('main');
    await expect.poll(() => out.innerText()).toMatch(/Raw result\s+\S+\s+deleted after publishing/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'run-output-preview.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says the output is gone, striking its location, when the file was deleted', async () => {
    const record = await runWith('preview-gone', {});
    fs.rmSync(new URL(record.curationOutputLocation).pathname);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${t.server.url}/#/runs/${record.curationExecutionName}`);
    const section = page.getByTestId('output-preview');
    await expect.poll(() => section.innerText(), { timeout: 15_000 }).toMatch(/no longer there: it was deleted or moved/);
    expect(await page.locator('code.gone').first().innerText()).toBe(record.curationOutputLocation);
    expect(errors).toEqual([]);
    await page.close();
  });
});
