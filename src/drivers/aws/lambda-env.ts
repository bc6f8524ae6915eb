import { ConfigError } from '../../domain/errors.js';

// What the serverless deployment gives each Lambda function in its environment.

/** The value of `name`, which the deployment sets for this function. */
export function requiredEnv(env: NodeJS.ProcessEnv, name: string): string {
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
