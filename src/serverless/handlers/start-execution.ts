import { openExecutionStarter } from '../../drivers/aws/serverless-ports.js';
import { openLambdaProject } from '../lambda-project.js';
import { startExecution, type StartDeps, type StartEvent, type StartResult } from '../start-execution.js';

let deps: Promise<StartDeps> | undefined;

async function open(): Promise<StartDeps> {
  const [project, executions] = await Promise.all([openLambdaProject(), openExecutionStarter()]);
  return { state: project.state, clock: project.clock, executions };
}

/** The start-execution Lambda: a schedule's (or the API's) start of one run and its execution. */
export async function handler(event: StartEvent): Promise<StartResult> {
  deps ??= open().catch((e: unknown) => {
    deps = undefined;
    throw e;
  });
  return startExecution(await deps, event);
}
