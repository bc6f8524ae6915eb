import { ConfigError } from '../../domain/errors.js';

// What the serverless deployment gives each Lambda function in its environment: the names are
// these constants, which deploy/aws sets and the openers here read, so the two cannot drift.

/**
 * The environment variables of the Lambda functions, by role.
 *
 * @example
 * environment: { [LAMBDA_ENV.stateMachineArn]: stateMachine.stateMachineArn }
 */
export const LAMBDA_ENV = {
  /** The adp config as JSON (run-step, start-execution). */
  configJson: 'ADP_CONFIG_JSON',
  /** The function's home folder (default `/tmp/adp`). */
  home: 'ADP_HOME',
  /** Secrets Manager secret holding the token of a git-remote scripts source. */
  gitTokenSecretArn: 'ADP_GIT_TOKEN_SECRET_ARN',
  /** The run state machine start-execution starts. */
  stateMachineArn: 'ADP_STATE_MACHINE_ARN',
  /** The environment prefix: table names (`{prefix}curationDetails`, …) and the OpenSearch index. */
  prefix: 'ADP_PREFIX',
  scheduleGroup: 'ADP_SCHEDULE_GROUP',
  startFunctionArn: 'ADP_START_FUNCTION_ARN',
  schedulerRoleArn: 'ADP_SCHEDULER_ROLE_ARN',
  scheduleDlqArn: 'ADP_SCHEDULE_DLQ_ARN',
  scheduleMaxRetries: 'ADP_SCHEDULE_MAX_RETRIES',
  openSearchNode: 'ADP_OPENSEARCH_NODE',
  /** `es` or `aoss`. */
  openSearchService: 'ADP_OPENSEARCH_SERVICE',
  /** `false` turns SigV4 signing off. */
  openSearchSigv4: 'ADP_OPENSEARCH_SIGV4',
} as const;
export type LambdaEnvName = (typeof LAMBDA_ENV)[keyof typeof LAMBDA_ENV];

/** The bundled handlers (src/serverless/handlers/<name>.ts). */
export type LambdaHandlerName = 'run-step' | 'start-execution' | 'schedule-sync' | 'history-stream';

const E = LAMBDA_ENV;
/**
 * What each handler reads: `required` the deployment must set, `optional`
 * it may (a default applies otherwise). The deployment sets no other name.
 */
export const HANDLER_ENV: Readonly<Record<LambdaHandlerName, { readonly required: readonly LambdaEnvName[]; readonly optional: readonly LambdaEnvName[] }>> = {
  'run-step': { required: [E.configJson], optional: [E.home, E.gitTokenSecretArn] },
  'start-execution': { required: [E.configJson, E.stateMachineArn], optional: [E.home] },
  'schedule-sync': {
    required: [E.prefix, E.scheduleGroup, E.startFunctionArn, E.schedulerRoleArn, E.scheduleDlqArn],
    optional: [E.scheduleMaxRetries],
  },
  'history-stream': { required: [E.prefix, E.openSearchNode], optional: [E.openSearchService, E.openSearchSigv4] },
};

/** The value of `name`, which the deployment sets for this function. */
export function requiredEnv(env: NodeJS.ProcessEnv, name: LambdaEnvName): string {
  const value = env[name];
  if (!value) throw new ConfigError(`${name} is not set: the deployment gives it to this function (see deploy/aws)`);
  return value;
}

/** The function's region (Lambda sets `AWS_REGION`). */
export const lambdaRegion = (env: NodeJS.ProcessEnv): string | undefined => env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;

/** Client settings of a function's own SDK clients (endpoints: `AWS_ENDPOINT_URL_<SERVICE>`). */
export function lambdaClientConfig(env: NodeJS.ProcessEnv): { region?: string } {
  const region = lambdaRegion(env);
  return region ? { region } : {};
}
