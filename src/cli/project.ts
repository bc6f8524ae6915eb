import { EmbeddedProject } from '../drivers/embedded/open-project.js';
import { resolveHome } from '../drivers/embedded/home.js';

export interface GlobalOptions {
  home?: string;
}

/** Opens the project of `--home`/ADP_HOME/cwd for the length of one command. */
export async function withProject<T>(options: GlobalOptions, fn: (project: EmbeddedProject) => Promise<T>): Promise<T> {
  const project = await EmbeddedProject.open(resolveHome(options.home));
  try {
    return await fn(project);
  } finally {
    await project.close();
  }
}
