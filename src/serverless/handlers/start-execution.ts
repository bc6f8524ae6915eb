import { alertPolicy } from '../../domain/notify/notifications-config.js';
import { openLambdaState } from '../../drivers/aws/lambda-state.js';
import { openExecutionStarter } from '../../drivers/aws/open-execution-starter.js';
import { startExecution, type StartDeps, type StartEvent, type StartResult } from '../start-execution.js';

let deps: Promise<StartDeps> | undefined;

async function open(): Promise<StartDeps> {
  const [backend, executions] = await Promise.all([openLambdaState(), openExecutionStarter()]);
  return { state: backend.state, queue: backend.scheduling, clock: backend.clock, executions, alerts: alertPolicy(backend.config), engineName: backend.engineName };
}

/** The start-execution Lambda: a schedule's (or the API's) start of one run and its execution. */
export async function handler(event: StartEvent): Promise<StartResult> {
  deps ??= open().catch((e: unknown) => {
    deps = undefined;
    throw e;
  });
  return startExecution(await deps, event);
}
