import { systemClock } from '../../adapters/system/system-clock.js';
import { configSchema, type AdpConfig } from '../../domain/config.js';
import { ConfigError, ValidationError } from '../../domain/errors.js';
import { parseOrThrow } from '../../domain/zod-issues.js';
import type { Clock } from '../../ports/clock.js';
import { homeLayout, type HomeLayout } from '../common/home.js';
import { loadConfig } from '../common/load-config.js';
import type { StateBackend } from '../project.js';
import { LAMBDA_ENV } from './lambda-env.js';
import { openAwsState } from './open-state.js';

// What a Lambda function opens, from the aws driver alone: a function bundle
// built from here carries no other driver (no SQLite, DuckDB or PostgreSQL
// code). The state alone here; the whole project in lambda-project.ts.

/** A function's state: what start-execution needs, without the lake. */
export interface LambdaState extends StateBackend {
  readonly config: AdpConfig;
  readonly clock: Clock;
  /** The query engine's name the lake would report (records carry it), known without opening the lake. */
  readonly engineName: string;
}

/** The aws driver's runs query with Athena. */
export const AWS_ENGINE_NAME = 'athena';

/**
 * The config from `ADP_CONFIG_JSON` (the deployment writes it; a function has
 * no home folder of its own), else `adp.config.json` in `ADP_HOME`. The home
 * defaults to `/tmp/adp`, the one writable place in a Lambda container.
 *
 * @throws ConfigError when the config is invalid or names another driver than `aws`.
 */
export async function lambdaConfig(env: NodeJS.ProcessEnv = process.env): Promise<{ home: HomeLayout; config: AdpConfig }> {
  const home = homeLayout(env[LAMBDA_ENV.home] ?? '/tmp/adp');
  const json = env[LAMBDA_ENV.configJson];
  const config = json ? parseConfigJson(json) : await loadConfig(home.config);
  if (config.driver !== 'aws') {
    throw new ConfigError(`the Lambda functions run the aws driver; the config names driver "${config.driver}": set "driver": "aws" (adp init --driver aws)`);
  }
  return { home, config };
}

/** The start-execution function's state: the DynamoDB tables only (no lake, no scripts). */
export async function openLambdaState(env: NodeJS.ProcessEnv = process.env): Promise<LambdaState> {
  const { home, config } = await lambdaConfig(env);
  const backend = await openAwsState(home, config, { clock: systemClock, env });
  return { ...backend, config, clock: systemClock, engineName: AWS_ENGINE_NAME };
}

function parseConfigJson(text: string): AdpConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`ADP_CONFIG_JSON is not valid JSON (${(e as Error).message})`);
  }
  try {
    return parseOrThrow(configSchema, json, 'config');
  } catch (e) {
    if (e instanceof ValidationError) throw new ConfigError(e.issues.map((i) => `ADP_CONFIG_JSON: ${i.path}: ${i.message}`).join('\n'));
    throw e;
  }
}
