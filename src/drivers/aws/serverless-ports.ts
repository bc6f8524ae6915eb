import { ConfigError } from '../../domain/errors.js';
import type { SinkDestination } from '../../domain/notify/destinations.js';
import type { EventSink } from '../../ports/event-sink.js';
import type { ExecutionStarter } from '../../ports/execution-starter.js';
import type { ScheduleRegistry } from '../../ports/schedule-registry.js';

// What the Lambda handlers of the serverless deployment need beside a
// Project, built from the environment the deployment gives each function.
// Each SDK loads only in the function that uses it.

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new ConfigError(`${name} is not set: the deployment gives it to this function (see deploy/aws)`);
  return value;
}

const region = (env: NodeJS.ProcessEnv) => env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
const clientConfig = (env: NodeJS.ProcessEnv) => (region(env) ? { region: region(env) } : {});

/** Step Functions starts of the run state machine `ADP_STATE_MACHINE_ARN`. */
export async function openExecutionStarter(env: NodeJS.ProcessEnv = process.env): Promise<ExecutionStarter> {
  const { SfnExecutionStarter } = await import('../../adapters/aws/stepfunctions/sfn-execution-starter.js');
  return new SfnExecutionStarter({ stateMachineArn: required(env, 'ADP_STATE_MACHINE_ARN'), clientConfig: clientConfig(env) });
}

/**
 * EventBridge Scheduler schedules in `ADP_SCHEDULE_GROUP`, each invoking
 * `ADP_START_FUNCTION_ARN` as `ADP_SCHEDULER_ROLE_ARN`, failed invocations
 * to `ADP_SCHEDULE_DLQ_ARN` after `ADP_SCHEDULE_MAX_RETRIES` (default 3).
 */
export async function openScheduleRegistry(env: NodeJS.ProcessEnv = process.env): Promise<ScheduleRegistry> {
  const { SchedulerRegistry } = await import('../../adapters/aws/scheduler/scheduler-registry.js');
  const retries = env.ADP_SCHEDULE_MAX_RETRIES ? Number(env.ADP_SCHEDULE_MAX_RETRIES) : 3;
  if (!Number.isInteger(retries) || retries < 0 || retries > 185) throw new ConfigError('ADP_SCHEDULE_MAX_RETRIES must be an integer from 0 to 185');
  return new SchedulerRegistry({
    clientConfig: clientConfig(env),
    target: {
      groupName: required(env, 'ADP_SCHEDULE_GROUP'),
      targetArn: required(env, 'ADP_START_FUNCTION_ARN'),
      roleArn: required(env, 'ADP_SCHEDULER_ROLE_ARN'),
      deadLetterArn: required(env, 'ADP_SCHEDULE_DLQ_ARN'),
      maximumRetryAttempts: retries,
    },
  });
}

/**
 * The OpenSearch history sink at `ADP_OPENSEARCH_NODE`, into the sample's
 * index (the history table's name, `ADP_PREFIX` + `curationHistory`,
 * lowercased), SigV4-signed for the region unless `ADP_OPENSEARCH_SIGV4=false`.
 */
export async function openHistorySink(env: NodeJS.ProcessEnv = process.env, log?: (line: string) => void): Promise<EventSink> {
  const [{ OpenSearchSink }, { tableNames }] = await Promise.all([
    import('../../adapters/opensearch/opensearch-sink.js'),
    import('../../adapters/aws/dynamodb/table-layout.js'),
  ]);
  const at = region(env);
  const sigv4 = env.ADP_OPENSEARCH_SIGV4 !== 'false';
  if (sigv4 && !at) throw new ConfigError('AWS_REGION is not set: SigV4 signing of OpenSearch requests needs the region');
  const destination: SinkDestination = {
    type: 'opensearch',
    id: 'history-stream',
    node: required(env, 'ADP_OPENSEARCH_NODE'),
    index: tableNames(required(env, 'ADP_PREFIX')).history,
    ...(sigv4 && at ? { auth: { type: 'sigv4', region: at, service: env.ADP_OPENSEARCH_SERVICE === 'aoss' ? 'aoss' : 'es' } } : {}),
  } as SinkDestination;
  return new OpenSearchSink(destination, log ? { log } : {});
}

export { definitionOfImage, historyRecordOfImage, type StreamImage } from '../../adapters/aws/dynamodb/stream-images.js';
