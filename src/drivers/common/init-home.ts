import fs from 'node:fs/promises';
import path from 'node:path';
import { GitScriptRepo } from '../../adapters/git/git-script-repo.js';
import type { HomeLayout } from './home.js';

/** The state `adp init` writes into a new config: the driver, and the database URL (without its password) for postgres. */
export type InitState = { readonly driver: 'embedded' } | { readonly driver: 'postgres'; readonly url?: string };

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
export async function initHome(home: HomeLayout, state: InitState = { driver: 'embedded' }): Promise<InitResult> {
  const created: string[] = [];
  await fs.mkdir(home.root, { recursive: true });
  if (!(await exists(home.config))) {
    const driver = state.driver === 'postgres' ? { driver: 'postgres', postgres: state.url ? { url: state.url } : {} } : { driver: 'embedded' };
    await fs.writeFile(home.config, `${JSON.stringify({ ...driver, scripts: { dir: 'scripts', branch: 'main' } }, null, 2)}\n`);
    created.push('adp.config.json');
  }
  if (!(await exists(home.catalog))) {
    await fs.writeFile(home.catalog, `${JSON.stringify({ databases: {} }, null, 2)}\n`);
    created.push('catalog.json');
  }
  for (const dir of [home.buckets, home.staging]) await fs.mkdir(dir, { recursive: true });
  const scripts = path.join(home.root, 'scripts');
  if (!(await exists(path.join(scripts, '.git')))) {
    await GitScriptRepo.init(scripts);
    created.push('scripts/');
  }
  return { created };
}
