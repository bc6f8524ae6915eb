import { assertHomeIsFolder, resolveHome } from '../drivers/common/home.js';
import type { OpenOptions, Project } from '../drivers/project.js';

export interface GlobalOptions {
  home?: string;
}

/** For commands that only read: a home the user may not write still answers them. */
export const READ_ONLY: OpenOptions = { readOnly: true };

/** Opens the project of `--home`/ADP_HOME/cwd for the length of one command. */
export async function withProject<T>(options: GlobalOptions, fn: (project: Project) => Promise<T>, open: OpenOptions = {}): Promise<T> {
  const home = resolveHome(options.home);
  assertHomeIsFolder(home);
  // Imported here, not at the top: the drivers bring DuckDB, SQLite, pg and the AWS SDKs, which `adp --help` and usage errors never need.
  const { openProject } = await import('./command-work.js');
  const project = await openProject(home, open);
  try {
    return await fn(project);
  } finally {
    await project.close();
  }
}
