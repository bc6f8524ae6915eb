import { resolveHome } from '../drivers/common/home.js';
import { openProject } from '../drivers/open-project.js';
import type { OpenOptions, Project } from '../drivers/project.js';

export interface GlobalOptions {
  home?: string;
}

/** Opens the project of `--home`/ADP_HOME/cwd for the length of one command. */
export async function withProject<T>(options: GlobalOptions, fn: (project: Project) => Promise<T>, open: OpenOptions = {}): Promise<T> {
  const project = await openProject(resolveHome(options.home), open);
  try {
    return await fn(project);
  } finally {
    await project.close();
  }
}
