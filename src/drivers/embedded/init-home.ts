import fs from 'node:fs/promises';
import path from 'node:path';
import type { HomeLayout } from './home.js';

/** Files written by `adp init`, relative to the home, in the order they were made. */
export interface InitResult {
  readonly created: string[];
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

/**
 * Makes a project home: config, empty catalog, buckets folder, staging folder
 * and a scripts git repository. Existing files are kept, so running it again
 * is safe.
 */
export async function initHome(home: HomeLayout, createScriptsRepo: (dir: string) => Promise<void>): Promise<InitResult> {
  const created: string[] = [];
  await fs.mkdir(home.root, { recursive: true });
  if (!(await exists(home.config))) {
    await fs.writeFile(home.config, `${JSON.stringify({ driver: 'embedded', scripts: { dir: 'scripts', branch: 'main' } }, null, 2)}\n`);
    created.push('adp.config.json');
  }
  if (!(await exists(home.catalog))) {
    await fs.writeFile(home.catalog, `${JSON.stringify({ databases: {} }, null, 2)}\n`);
    created.push('catalog.json');
  }
  for (const dir of [home.buckets, home.staging]) await fs.mkdir(dir, { recursive: true });
  const scripts = path.join(home.root, 'scripts');
  if (!(await exists(path.join(scripts, '.git')))) {
    await createScriptsRepo(scripts);
    created.push('scripts/');
  }
  return { created };
}
