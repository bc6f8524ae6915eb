import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRun } from '../../src/engine/create-run.js';
import type { EngineDeps } from '../../src/engine/engine-deps.js';
import { advanceRun, executeRun } from '../../src/engine/run-workflow.js';
import { STEPS } from '../../src/domain/run.js';
import { startTestServer, type TestServer } from '../api/harness.js';
import { failingAt, FAULTY_STEPS } from '../helpers/step-faults.js';
import { ARTIFACTS, buildWeb, CHROMIUM, launchLoggedIn, watchErrors, WEB_ROOT } from './chromium.js';

const TYPE = 'wildrydes-rydebooking';

describe.skipIf(!CHROMIUM && !process.env.CI)('run page in Chromium: step timeline, event log, retry, pause', () => {
  let t: TestServer;
  let context: BrowserContext;
  let deps: EngineDeps & { queue: TestServer['project']['scheduling'] };

  beforeAll(async () => {
    buildWeb();
    t = await startTestServer({ rows: 40, server: { webRoot: WEB_ROOT } });
    const base = await t.project.deps();
    deps = { ...base, settings: { ...base.settings, retry: { maxAttempts: 1, intervalMs: 5, backoffRate: 1 } }, queue: t.project.scheduling };
    context = await launchLoggedIn(t.home, t.server.loginUrl!);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    expect(t.internalErrors).toEqual([]);
    await t?.close();
  });

  /** A run executed here (real engine and store; `d` may carry a fault), then its page. */
  async function runThrough(d: EngineDeps, signal?: AbortSignal): Promise<string> {
    const run = await createRun({ ...d, queue: t.project.scheduling }, { curationType: TYPE, trigger: 'manual' });
    if (signal) await advanceRun(d, run.executionName);
    await executeRun(d, run.executionName, { signal });
    return run.executionName;
  }

  async function states(page: Page): Promise<string[]> {
    return page.locator('ol.steps li').evaluateAll((items) => items.map((li) => li.getAttribute('data-state') ?? ''));
  }

  async function openRun(name: string): Promise<{ page: Page; errors: string[] }> {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${t.server.url}/#/runs/${name}`);
    await expect.poll(() => page.locator('[data-testid="run-status"]').count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => page.locator('table.events tbody tr').count(), { timeout: 15_000 }).toBeGreaterThan(2);
    return { page, errors };
  }

  it('a succeeded run: every step green with its duration, bars, and the event log from queued to finished', async () => {
    const name = await runThrough(deps);
    const { page, errors } = await openRun(name);
    await expect.poll(() => states(page)).toEqual(STEPS.map(() => 'succeeded'));
    expect(await page.locator('li[data-step="awaitQuery"] .step-duration').innerText()).toMatch(/\d+(\.\d)? (ms|s)/);
    expect(await page.locator('.step-bar-row').count()).toBe(5);
    const kinds = await page.locator('table.events tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind')));
    expect(kinds[0]).toBe('queued');
    expect(kinds.at(-1)).toBe('finished');
    expect(kinds.filter((k) => k === 'stepSucceeded')).toHaveLength(5);
    expect(await page.locator('table.events tbody tr td').first().innerText()).toMatch(/^\d\d:\d\d:\d\d\.\d{3}$/);
    // A succeeded run offers no retry.
    expect(await page.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'run-steps-succeeded.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  for (const step of FAULTY_STEPS) {
    it(`a run failed at ${step}: that step red, the later ones grey (never reached), the error in the log`, async () => {
      const name = await runThrough(failingAt(deps, step));
      const { page, errors } = await openRun(name);
      const at = STEPS.indexOf(step);
      await expect.poll(() => states(page)).toEqual(STEPS.map((s, i) => (s === 'record' ? 'succeeded' : i < at ? 'succeeded' : i === at ? 'failed' : 'notReached')));
      const failed = page.locator(`li[data-step="${step}"]`);
      expect(await failed.getAttribute('class')).toContain('step-failed');
      expect(await failed.evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }).getComputedStyle(el).backgroundColor)).toBe('rgb(207, 34, 46)');
      const grey = page.locator('li[data-state="notReached"]').first();
      if (at < STEPS.length - 2) expect(await grey.evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }).getComputedStyle(el).borderStyle)).toBe('dashed');
      expect(await page.locator('tr[data-kind="stepFailed"]').innerText()).toContain('(injected)');
      if (step === 'retrieve') expect(await page.getByText('The run ended before it read its script (at retrieve).').count()).toBe(1);
      if (step === 'awaitQuery') await page.screenshot({ path: path.join(ARTIFACTS, 'run-steps-failed.png'), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    });
  }

  it('a timed-out run colours the step it timed out at as timed out', async () => {
    const name = await runThrough(failingAt(deps, 'timeout'));
    const { page, errors } = await openRun(name);
    await expect.poll(() => page.locator('li[data-step="awaitQuery"]').getAttribute('class')).toContain('step-timed-out');
    expect(await page.locator('li[data-step="publishOutput"]').getAttribute('data-state')).toBe('notReached');
    // The badge's icon is drawn, not a font glyph a system may lack.
    const badge = page.locator('[data-testid="run-status"] .badge');
    expect(await badge.innerText()).toContain('Timed out');
    expect(await badge.locator('svg path').count()).toBe(1);
    expect(await badge.locator('svg').evaluate((el) => el.getBoundingClientRect().width)).toBeGreaterThan(8);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a cancelled run shows the step it stopped before as cancelled, and the cancel in the log', async () => {
    const controller = new AbortController();
    controller.abort('cancelled from the browser test');
    const name = await runThrough(deps, controller.signal);
    const { page, errors } = await openRun(name);
    await expect.poll(() => page.locator('li[data-step="validate"]').getAttribute('class')).toContain('step-cancelled');
    expect(await page.locator('tr[data-kind="cancelRequested"]').innerText()).toContain('cancelled from the browser test');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Retry on a failed run starts a new run (trigger retry) and opens it', async () => {
    const failed = await runThrough(failingAt(deps, 'publishOutput'));
    const { page, errors } = await openRun(failed);
    await page.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => page.url()).not.toContain(failed);
    const retried = decodeURIComponent(page.url().split('#/runs/')[1]!);
    // The retry runs on the server's own (fault-free) engine.
    await expect.poll(async () => (await t.json(`/api/v1/runs/${retried}`)).record?.status, { timeout: 20_000 }).toBe('succeeded');
    expect((await t.json(`/api/v1/runs/${retried}`)).record).toMatchObject({ trigger: 'retry', retryOf: failed });
    await expect.poll(() => page.locator('[data-testid="run-status"]').innerText(), { timeout: 20_000 }).toContain('Succeeded');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the selected time-range button stays readable when hovered', async () => {
    const page = await context.newPage();
    await page.goto(`${t.server.url}/#/`);
    const selected = page.locator('.range-picker[aria-label="Time range"] button[aria-pressed="true"]');
    await expect.poll(() => selected.count(), { timeout: 15_000 }).toBe(1);
    await selected.hover();
    const [fg, bg] = await selected.evaluate((el) => {
      const cs = (globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }).getComputedStyle(el);
      return [cs.color!, cs.backgroundColor!];
    });
    expect(contrast(fg, bg), `${fg} on ${bg}`).toBeGreaterThan(4.5);
    await page.close();
  });

  it("the timeline's scheduled-time toggle spreads a 30-day backfill over its 30 days", async () => {
    const sample = await t.json(`/api/v1/curations/${TYPE}`);
    await t.json('/api/v1/curations/daily', { method: 'PUT', body: JSON.stringify({ ...sample.definition, curationType: 'daily', cronExpression: 'cron(0 6 * * ? *)' }), expect: 201 });
    const to = Date.now() - 3_600_000;
    const from = to - 30 * 86_400_000;
    const res = await t.json('/api/v1/curations/daily/backfills', { method: 'POST', body: JSON.stringify({ from: new Date(from).toISOString(), to: new Date(to).toISOString() }), expect: 202 });
    expect(res.runs).toHaveLength(30);
    await expect
      .poll(async () => (await t.json('/api/v1/history?curationType=daily&limit=100')).records.length, { timeout: 60_000 })
      .toBe(30);

    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${t.server.url}/#/curations/daily`);
    const figure = page.locator('figure.timeline');
    await expect.poll(() => figure.getAttribute('data-by'), { timeout: 15_000 }).toBe('started');
    const span = async () => Number(await figure.getAttribute('data-x-to')) - Number(await figure.getAttribute('data-x-from'));
    // By start time they all ran in the last minutes: the chart shows only its window.
    const windowSpan = await span();
    expect(windowSpan).toBeLessThanOrEqual(8 * 86_400_000);
    // Hold the scheduled-axis answer back: until it comes, the chart still draws (and says) start times.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route(/\/api\/v1\/timeline\?.*by=scheduled/, async (route) => {
      await held;
      await route.continue();
    });
    await page.getByRole('button', { name: 'Scheduled time' }).click();
    expect(await page.getByRole('button', { name: 'Scheduled time' }).getAttribute('aria-pressed')).toBe('true');
    expect(await figure.getAttribute('data-by')).toBe('started');
    expect(await figure.locator('figcaption').innerText()).toContain('Placed by when it started');
    release();
    await expect.poll(() => figure.getAttribute('data-by')).toBe('scheduled');
    expect(await span()).toBeGreaterThanOrEqual(29 * 86_400_000);
    expect(await figure.locator('figcaption').innerText()).toContain('Placed by the time it was scheduled for');
    expect(await page.getByRole('button', { name: 'Scheduled time' }).getAttribute('aria-pressed')).toBe('true');
    await page.screenshot({ path: path.join(ARTIFACTS, 'timeline-scheduled.png') });
    // The table under the chart narrows with its status toggles: every run here succeeded.
    const rows = page.locator('section[aria-labelledby="timeline-h"] table tbody tr');
    await expect.poll(() => rows.count()).toBe(30);
    await page.getByRole('button', { name: 'Succeeded' }).click();
    await expect.poll(() => page.locator('section[aria-labelledby="timeline-h"] .empty').innerText()).toBe('No runs match the filters above.');
    await page.getByRole('button', { name: 'Succeeded' }).click();
    await expect.poll(() => rows.count()).toBe(30);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("the curation page's switch pauses and resumes the schedule", async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${t.server.url}/#/curations/${TYPE}`);
    const toggle = page.getByRole('switch');
    await expect.poll(() => toggle.innerText(), { timeout: 15_000 }).toBe('Pause schedule');
    expect(await toggle.getAttribute('aria-checked')).toBe('true');
    await toggle.click();
    await expect.poll(() => toggle.innerText()).toBe('Resume schedule');
    expect(await toggle.getAttribute('aria-checked')).toBe('false');
    expect((await t.json(`/api/v1/curations/${TYPE}`)).enabled).toBe(false);
    expect(await page.locator('.page-head .pill', { hasText: 'paused' }).count()).toBe(1);
    await toggle.click();
    await expect.poll(() => toggle.innerText()).toBe('Pause schedule');
    expect((await t.json(`/api/v1/curations/${TYPE}`)).enabled).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});

/** WCAG contrast ratio of two computed colours: `rgb(…)` (0–255) or `color(srgb …)` (0–1, what color-mix computes to). */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const scale = c.startsWith('color(srgb') ? 1 : 255;
    const [r, g, bl] = c.replace('color(srgb', '').match(/\d*\.?\d+/g)!.slice(0, 3).map(Number).map((v) => {
      const s = v / scale;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}
