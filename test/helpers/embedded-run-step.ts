import type { Project } from '../../src/drivers/project.js';
import { runStep, STATE_MACHINE_POLL } from '../../src/serverless/run-step.js';
import type { StepAnswer, StepInput } from '../../src/serverless/step-protocol.js';

/** What each Task invokes, composed as the run-step handler composes it (one owner for every invocation, the state machine's poll policy), on `project`'s driver. */
export async function runStepOn(project: Project): Promise<(input: StepInput) => Promise<StepAnswer>> {
  const deps = await project.deps();
  const context = { deps: { ...deps, workerId: 'step-functions', settings: { ...deps.settings, poll: STATE_MACHINE_POLL } }, queue: project.scheduling, pollInTaskMs: 0 };
  return (input) => runStep(context, input);
}
