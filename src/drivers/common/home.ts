import fs from 'node:fs';
import path from 'node:path';
import { EnvironmentError } from '../../domain/errors.js';

/** The files of a project home (`--home`, else `ADP_HOME`, else the current directory). */
export interface HomeLayout {
  readonly root: string;
  readonly config: string;
  readonly catalog: string;
  readonly buckets: string;
  readonly stateDb: string;
  /** The only folder the query engine may write to. */
  readonly staging: string;
  /** Script texts already read from the scripts repository, by commit (a process that reads one again starts no git). */
  readonly scriptTexts: string;
}

export function homeLayout(root: string): HomeLayout {
  const abs = path.resolve(root);
  return {
    root: abs,
    config: path.join(abs, 'adp.config.json'),
    catalog: path.join(abs, 'catalog.json'),
    buckets: path.join(abs, 'buckets'),
    stateDb: path.join(abs, 'state.db'),
    staging: path.join(abs, '.adp', 'staging'),
    scriptTexts: path.join(abs, '.adp', 'script-texts'),
  };
}

/** Resolves the home from the option, the environment, or the working directory. */
export function resolveHome(option: string | undefined, env: NodeJS.ProcessEnv = process.env): HomeLayout {
  return homeLayout(option ?? env.ADP_HOME ?? process.cwd());
}

/**
 * Refuses a home that exists but is not a folder, before anything reads or
 * creates files under it (where it would surface as ENOTDIR on some file).
 */
export function assertHomeIsFolder(home: HomeLayout): void {
  let isFolder: boolean;
  try {
    isFolder = fs.statSync(home.root).isDirectory();
  } catch {
    return; // missing (init creates it) or unreadable: the first real access says which
  }
  if (!isFolder) throw new EnvironmentError(`the project home '${home.root}' is a file, not a folder: point --home (or ADP_HOME) at a project folder`);
}
