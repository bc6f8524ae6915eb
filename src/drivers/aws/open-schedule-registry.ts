import { ConfigError } from '../../domain/errors.js';
import type { ScheduleRegistry } from '../../ports/schedule-registry.js';
import { LAMBDA_ENV, lambdaClientConfig, requiredEnv } from './lambda-env.js';

/**
 * EventBridge Scheduler schedules in `ADP_SCHEDULE_GROUP`, each invoking
 * `ADP_START_FUNCTION_ARN` as `ADP_SCHEDULER_ROLE_ARN`, failed invocations
 * to `ADP_SCHEDULE_DLQ_ARN` after `ADP_SCHEDULE_MAX_RETRIES` (default 3).
 * The schedule-sync function's; its SDK loads here.
 */
export async function openScheduleRegistry(env: NodeJS.ProcessEnv = process.env): Promise<ScheduleRegistry> {
  const { SchedulerRegistry } = await import('../../adapters/aws/scheduler/scheduler-registry.js');
  const raw = env[LAMBDA_ENV.scheduleMaxRetries];
  const retries = raw ? Number(raw) : 3;
  if (!Number.isInteger(retries) || retries < 0 || retries > 185) throw new ConfigError(`${LAMBDA_ENV.scheduleMaxRetries} must be an integer from 0 to 185`);
  return new SchedulerRegistry({
    clientConfig: lambdaClientConfig(env),
    target: {
      groupName: requiredEnv(env, LAMBDA_ENV.scheduleGroup),
      targetArn: requiredEnv(env, LAMBDA_ENV.startFunctionArn),
      roleArn: requiredEnv(env, LAMBDA_ENV.schedulerRoleArn),
      deadLetterArn: requiredEnv(env, LAMBDA_ENV.scheduleDlqArn),
      maximumRetryAttempts: retries,
    },
  });
}

/**
 * Every item of the definitions table `{ADP_PREFIX}curationDetails`, as
 * attribute-value maps (a full resync reads them; its SDK loads here).
 */
export async function* definitionItems(env: NodeJS.ProcessEnv = process.env): AsyncGenerator<Record<string, unknown>> {
  const [{ scanItems }, { tableNames }] = await Promise.all([
    import('../../adapters/aws/dynamodb/scan-items.js'),
    import('../../adapters/aws/dynamodb/table-layout.js'),
  ]);
  yield* scanItems(tableNames(requiredEnv(env, LAMBDA_ENV.prefix)).curations, lambdaClientConfig(env));
}

export { definitionOfImage, type StreamImage } from '../../adapters/aws/dynamodb/stream-images.js';
