import fs from 'node:fs/promises';
import path from 'node:path';
import { GitScriptRepo } from '../../adapters/git/git-script-repo.js';
import type { HomeLayout } from './home.js';

/** Where scripts come from, when not the home's own git folder. */
export type InitScripts = { readonly url: string } | { readonly codecommit: string };

/**
 * What `adp init` writes into a new config: the driver, the database URL
 * (without its password) for postgres, the prefix and region for aws.
 */
export type InitState =
  | { readonly driver: 'embedded'; readonly scripts?: InitScripts }
  | { readonly driver: 'postgres'; readonly url?: string; readonly scripts?: InitScripts }
  | { readonly driver: 'aws'; readonly aws: { readonly prefix: string; readonly region?: string }; readonly scripts?: InitScripts };

function configFor(state: InitState): Record<string, unknown> {
  const scripts = { dir: 'scripts', branch: 'main', ...state.scripts };
  switch (state.driver) {
    case 'embedded':
      return { driver: 'embedded', scripts };
    case 'postgres':
      return { driver: 'postgres', postgres: state.url ? { url: state.url } : {}, scripts };
    case 'aws':
      return { driver: 'aws', aws: state.aws, scripts };
  }
}

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
    await fs.writeFile(home.config, `${JSON.stringify(configFor(state), null, 2)}\n`);
    created.push('adp.config.json');
  }
  if (!(await exists(home.catalog))) {
    await fs.writeFile(home.catalog, `${JSON.stringify({ databases: {} }, null, 2)}\n`);
    created.push('catalog.json');
  }
  for (const dir of [home.buckets, home.staging]) await fs.mkdir(dir, { recursive: true });
  const scripts = path.join(home.root, 'scripts');
  if (!state.scripts && !(await exists(path.join(scripts, '.git')))) {
    await GitScriptRepo.init(scripts);
    created.push('scripts/');
  }
  return { created };
}
