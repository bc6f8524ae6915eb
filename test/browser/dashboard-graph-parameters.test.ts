import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, waitForRecord, type TestServer } from '../api/harness.js';
import { sampleDefinition } from '../helpers/definitions.js';
import { commitScript } from '../helpers/git.js';
import { ARTIFACTS, buildWeb, CHROMIUM, launch, watchErrors, WEB_ROOT } from './chromium.js';

// The dashboard's dependency graph, parameter inputs of run-now and backfill,
// and the run page's rendered SQL and quality checks, in Chromium.

const TYPE = 'wildrydes-rydebooking';
const PARAMS = 'params';
const SCRIPT = 'select {{ params.region }} as region, {{ params.n }} as n, {{ params.day }} as day, {{ params.full }} as full_load, {{ params.at }} as at';

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
    // A curation with a parameter of each type; one warn check that fails (one row, two wanted) and one block check that passes.
    commitScript(t.home, 'p/params.sql', SCRIPT);
    const parameters = {
      region: { type: 'string', default: 'eu', description: 'Sales region' },
      n: { type: 'int' },
      day: { type: 'date', default: '2027-01-04' },
      full: { type: 'boolean', default: false },
      at: { type: 'timestamp', default: '2027-01-04T10:00:00Z' },
    };
    const qualityChecks = [
      { type: 'rowCount', min: 2, severity: 'warn', name: 'at-least-two-rows' },
      { type: 'notNull', columns: ['region'], name: 'region-present' },
    ];
    await t.json(`/api/v1/curations/${PARAMS}`, { method: 'PUT', body: JSON.stringify(definition(PARAMS, { sqlFilePath: 'p/params.sql', parameters, qualityChecks })), expect: 201 });
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
    expect(await page.locator('svg.graph [data-node]').count()).toBe(5); // and params (beforeAll), on its own
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

  it('run now shows an input per parameter, shows the API\'s refusal at the field, and the run records the values chosen', async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    // Its n has no default: the overview sends the user to the curation's form instead of starting a run bound to fail.
    await page.goto(`${t.server.url}/`);
    await page.getByRole('link', { name: `Run ${PARAMS}: give its parameters` }).click();
    await page.waitForURL(new RegExp(`#/curations/${PARAMS}$`));
    const form = page.getByRole('form', { name: 'Run now' });
    await form.waitFor();
    // No head button for a curation with parameters: the form is the way to start it.
    expect(await page.locator('.page-head').getByRole('button', { name: 'Run now' }).count()).toBe(0);
    const field = (name: string) => form.getByLabel(name, { exact: true });
    expect(await field('region').inputValue()).toBe('eu');
    expect(await field('region').getAttribute('type')).toBe('text');
    expect(await field('n').getAttribute('type')).toBe('number');
    expect(await field('n').getAttribute('required')).not.toBeNull();
    expect(await field('region').getAttribute('required')).toBeNull();
    expect(await field('day').getAttribute('type')).toBe('date');
    expect(await field('day').inputValue()).toBe('2027-01-04');
    expect(await field('full').isChecked()).toBe(false);
    expect(await field('at').getAttribute('type')).toBe('datetime-local');
    expect(await field('at').inputValue()).toBe('2027-01-04T11:00'); // 10:00 UTC in Paris (Chromium leaves out :00 seconds)
    expect(await form.locator('#run-param-region-hint').innerText()).toBe('string · Sales region');

    // A whole number beyond what the server takes: its 400 is shown at the field, and nothing runs.
    await field('n').fill('12345678901234567');
    await form.getByRole('button', { name: 'Run now' }).click();
    const error = form.locator('#run-param-n-err');
    await expect.poll(() => error.count()).toBe(1);
    expect(await error.innerText()).toBe("'12345678901234567' is not a whole number (parameter 'n' is a int)");
    expect(await field('n').getAttribute('aria-invalid')).toBe('true');
    expect(await field('n').getAttribute('aria-describedby')).toBe('run-param-n-hint run-param-n-err');
    expect((await t.json(`/api/v1/history?curationType=${PARAMS}`)).records).toEqual([]);

    await field('n').fill('7');
    await field('region').fill("it's");
    await field('full').check();
    await form.getByRole('button', { name: 'Run now' }).click();
    await expect.poll(() => error.count()).toBe(0);
    await page.locator('.notices').getByRole('link', { name: 'Follow the run' }).click();
    await page.waitForURL(/#\/runs\//);
    await expect.poll(() => page.getByTestId('run-status').innerText(), { timeout: 20_000 }).toContain('Succeeded');
    const name = decodeURIComponent(page.url().split('#/runs/')[1]!);
    const run = await t.json(`/api/v1/runs/${name}`);
    // The fields changed from their defaults; the others let the defaults apply.
    expect(run.record).toMatchObject({ trigger: 'manual', status: 'succeeded', parameters: { region: "it's", n: '7', full: 'true' } });
    expect(Object.keys(run.record.parameters).sort()).toEqual(['full', 'n', 'region']);
    expect(await page.locator('main').getByRole('table', { name: 'Parameters' }).innerText()).toContain("it's");

    // Backfill: the same inputs, each run of the range gets the value.
    await page.goto(`${t.server.url}/#/curations/${PARAMS}`);
    const backfill = page.getByRole('form', { name: 'Backfill' });
    await backfill.getByLabel('n', { exact: true }).waitFor();
    await backfill.getByLabel('From', { exact: true }).fill('2027-01-01T01:00');
    await backfill.getByLabel('To', { exact: true }).fill('2027-01-01T01:01');
    await backfill.getByLabel('n', { exact: true }).fill('3');
    await backfill.getByRole('button', { name: 'Start backfill' }).click();
    await expect.poll(() => page.locator('.notices').innerText()).toMatch(/Queued 2 backfill runs of params/);
    await t.launcher.idle();
    const { records } = await t.json(`/api/v1/history?curationType=${PARAMS}&limit=10`);
    const backfilled = records.filter((r: { trigger: string }) => r.trigger === 'backfill');
    expect(backfilled.map((r: { parameters: unknown }) => r.parameters)).toEqual([{ n: '3' }, { n: '3' }]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-parameters.png'), fullPage: true });
    expect(errors.filter((e) => !e.includes('400'))).toEqual([]); // the refused start is the one expected 400
    await page.close();
  }, 60_000);

  it('the run page shows the rendered SQL beside the script, and the quality checks with a failed warn check', async () => {
    const started = await t.json(`/api/v1/curations/${PARAMS}/runs`, { method: 'POST', body: JSON.stringify({ parameters: { n: '5' } }), expect: 202 });
    const run = await waitForRecord(t, started.curationExecutionName);
    expect(run.record.status).toBe('succeeded'); // a warn check does not fail the run
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${t.server.url}/#/runs/${run.curationExecutionName}`);
    await expect.poll(() => page.getByTestId('run-status').innerText()).toContain('Succeeded');

    const script = page.getByRole('region', { name: /^SQL/ }).locator('pre');
    await expect.poll(() => script.innerText()).toBe(SCRIPT);
    const rendered = page.getByLabel('Rendered SQL', { exact: true });
    await expect.poll(() => rendered.count()).toBe(1);
    expect(await rendered.innerText()).toBe("select 'eu' as region, 5 as n, DATE '2027-01-04' as day, FALSE as full_load, TIMESTAMP '2027-01-04 10:00:00.000' as at");
    expect(await page.locator('#rendered-sql-h').innerText()).toContain(`SHA-256 ${run.record.sqlSha256.slice(0, 16)}`);

    const checks = page.getByTestId('quality-checks');
    const row = (name: string) => checks.locator('tbody tr', { has: page.getByRole('rowheader', { name, exact: true }) });
    const cells = async (name: string) => (await row(name).locator('th, td').allInnerTexts()).map((s) => s.trim());
    expect(await checks.locator('tbody tr').count()).toBe(2);
    expect(await cells('at-least-two-rows')).toEqual(['at-least-two-rows', 'warn', 'warning', '1', '2 <= rows']);
    expect((await cells('region-present')).slice(0, 4)).toEqual(['region-present', 'block', 'passed', '0']);
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-run-checks.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
