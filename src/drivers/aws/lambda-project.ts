import { systemClock } from '../../adapters/system/system-clock.js';
import { composeProject } from '../common/compose-project.js';
import type { Project } from '../project.js';
import { awsLake } from './aws-lake.js';
import { openLambdaScripts } from './lambda-scripts.js';
import { lambdaConfig } from './lambda-state.js';
import { openAwsState } from './open-state.js';
import { awsSettings } from './settings.js';

/**
 * The run-step function's project: DynamoDB state, Glue, S3 and Athena, and
 * the scripts from CodeCommit or a git remote, its token from the secret
 * `ADP_GIT_TOKEN_SECRET_ARN` names (read once per container; a function has
 * no scripts folder).
 *
 * @example
 * const project = await openLambdaProject();
 * const deps = await project.deps();
 */
export async function openLambdaProject(env: NodeJS.ProcessEnv = process.env): Promise<Project> {
  const { home, config } = await lambdaConfig(env);
  const settings = awsSettings(config, env);
  const backend = await openAwsState(home, config, { clock: systemClock, env });
  try {
    const scripts = await openLambdaScripts(home, config, { env, ...(settings.region ? { region: settings.region } : {}) });
    return composeProject('aws', home, config, backend, await awsLake(settings, scripts), systemClock);
  } catch (e) {
    await backend.close();
    throw e;
  }
}

