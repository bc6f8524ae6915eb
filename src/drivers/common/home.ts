import path from 'node:path';

/** The files of a project home (`--home`, else `ADP_HOME`, else the current directory). */
export interface HomeLayout {
  readonly root: string;
  readonly config: string;
  readonly catalog: string;
  readonly buckets: string;
  readonly stateDb: string;
  /** The only folder the query engine may write to. */
  readonly staging: string;
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
  };
}

/** Resolves the home from the option, the environment, or the working directory. */
export function resolveHome(option: string | undefined, env: NodeJS.ProcessEnv = process.env): HomeLayout {
  return homeLayout(option ?? env.ADP_HOME ?? process.cwd());
}
