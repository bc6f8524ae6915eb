import type { ExecutionStarter } from '../../ports/execution-starter.js';
import { LAMBDA_ENV, lambdaClientConfig, requiredEnv } from './lambda-env.js';

/** Step Functions starts of the run state machine `ADP_STATE_MACHINE_ARN` (the start-execution function's; its SDK loads here). */
export async function openExecutionStarter(env: NodeJS.ProcessEnv = process.env): Promise<ExecutionStarter> {
  const { SfnExecutionStarter } = await import('../../adapters/aws/stepfunctions/sfn-execution-starter.js');
  return new SfnExecutionStarter({ stateMachineArn: requiredEnv(env, LAMBDA_ENV.stateMachineArn), clientConfig: lambdaClientConfig(env) });
}
