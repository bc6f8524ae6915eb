import { openLambdaProject } from '../../drivers/aws/lambda-project.js';
import { runStep, STATE_MACHINE_POLL, type Invocation, type RunStepContext } from '../run-step.js';
import type { StepAnswer, StepInput } from '../step-protocol.js';

let context: Promise<RunStepContext> | undefined;

/** Opened on the first invocation and kept for the container's life: SDK clients and connections are made once. */
async function open(): Promise<RunStepContext> {
  const project = await openLambdaProject();
  const deps = await project.deps();
  return {
    // One owner for every container, so a step handed from one container to the next is not re-claimed each time.
    deps: { ...deps, workerId: 'step-functions', settings: { ...deps.settings, poll: STATE_MACHINE_POLL } },
    queue: project.scheduling,
    pollInTaskMs: project.config.serverless.pollInTaskSeconds * 1000,
  };
}

/** The run-step Lambda: one step of one run per invocation (see {@link runStep}); `invocation` is Lambda's context object. */
export async function handler(event: StepInput, invocation?: Invocation): Promise<StepAnswer> {
  context ??= open().catch((e: unknown) => {
    context = undefined;
    throw e;
  });
  return runStep(await context, event, invocation);
}
