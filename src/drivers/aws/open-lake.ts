import type { AdpConfig } from '../../domain/config.js';
import type { HomeLayout } from '../common/home.js';
import { openScripts } from '../common/open-scripts.js';
import type { Lake, StateBackend } from '../project.js';
import { awsLake } from './aws-lake.js';
import { awsSettings } from './settings.js';

/**
 * The sample's lake: tables in Glue, objects in S3, queries on Athena, scripts
 * in CodeCommit (or any git remote, or the home's git folder). Each SDK loads
 * with its adapter, on first use.
 */
export async function openAwsLake(home: HomeLayout, config: AdpConfig, _backend: StateBackend, options: { env?: NodeJS.ProcessEnv }): Promise<Lake> {
  const settings = awsSettings(config, options.env ?? process.env);
  return awsLake(settings, await openScripts(home, config, { env: options.env, region: settings.region }));
}
