import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts');
/** Debian's chromium, if installed. */
export const CHROMIUM = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => fs.existsSync(p));
/** The built dashboard the test servers serve. */
export const WEB_ROOT = path.join(ROOT, 'dist', 'web');

/** Bundles the dashboard into dist/web (what the servers of the browser tests serve). */
export function buildWeb(): void {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-web.mjs')], { stdio: 'inherit' });
}

/** Chromium from the Debian package, headless, with nothing that talks to the network on its own. */
export async function launch(userDataDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1366, height: 900 },
    timezoneId: 'Europe/Paris',
    locale: 'en-GB',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** Chromium with a fresh profile in `home`, logged in to a test server (its session cookie set); also makes ARTIFACTS. */
export async function launchLoggedIn(home: string, loginUrl: string): Promise<BrowserContext> {
  const context = await launch(fs.mkdtempSync(path.join(home, 'chromium-')));
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const page = await context.newPage();
  await page.goto(loginUrl);
  await page.close();
  return context;
}

/** Console errors and uncaught exceptions of a page. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}
