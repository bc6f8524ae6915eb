import { openProject } from '../../src/drivers/open-project.js';
import type { Project } from '../../src/drivers/project.js';
import { homeLayout } from '../../src/drivers/common/home.js';
import type { EngineDeps } from '../../src/engine/engine-deps.js';
import type { Clock } from '../../src/ports/clock.js';
import type { RunQueue } from '../../src/ports/run-queue.js';
import { exampleHome } from './cli.js';

/** An opened example project with engine deps whose retry delays are short. */
export async function openExample(
  rows = 100,
  options: { clock?: Clock } = {},
): Promise<{ home: string; project: Project; deps: EngineDeps & { queue: Pick<RunQueue, 'enqueueRun'> } }> {
  const home = await exampleHome(rows);
  const project = await openProject(homeLayout(home), options);
  const base = await project.deps();
  // With the project's run queue, so createRun(deps, …) applies overlap as the CLI and API do.
  const deps = { ...base, settings: { ...base.settings, retry: { maxAttempts: 4, intervalMs: 5, backoffRate: 1.5 } }, queue: project.scheduling };
  return { home, project, deps };
}
