import { ConfigError } from '../../domain/errors.js';
import type { ScheduleRegistry } from '../../ports/schedule-registry.js';
import { lambdaClientConfig, requiredEnv } from './lambda-env.js';

/**
 * EventBridge Scheduler schedules in `ADP_SCHEDULE_GROUP`, each invoking
 * `ADP_START_FUNCTION_ARN` as `ADP_SCHEDULER_ROLE_ARN`, failed invocations
 * to `ADP_SCHEDULE_DLQ_ARN` after `ADP_SCHEDULE_MAX_RETRIES` (default 3).
 * The schedule-sync function's; its SDK loads here.
 */
export async function openScheduleRegistry(env: NodeJS.ProcessEnv = process.env): Promise<ScheduleRegistry> {
  const { SchedulerRegistry } = await import('../../adapters/aws/scheduler/scheduler-registry.js');
  const retries = env.ADP_SCHEDULE_MAX_RETRIES ? Number(env.ADP_SCHEDULE_MAX_RETRIES) : 3;
  if (!Number.isInteger(retries) || retries < 0 || retries > 185) throw new ConfigError('ADP_SCHEDULE_MAX_RETRIES must be an integer from 0 to 185');
  return new SchedulerRegistry({
    clientConfig: lambdaClientConfig(env),
    target: {
      groupName: requiredEnv(env, 'ADP_SCHEDULE_GROUP'),
      targetArn: requiredEnv(env, 'ADP_START_FUNCTION_ARN'),
      roleArn: requiredEnv(env, 'ADP_SCHEDULER_ROLE_ARN'),
      deadLetterArn: requiredEnv(env, 'ADP_SCHEDULE_DLQ_ARN'),
      maximumRetryAttempts: retries,
    },
  });
}

export { definitionOfImage, type StreamImage } from '../../adapters/aws/dynamodb/stream-images.js';
