import { configSchema } from '../domain/config.js';
import { ConfigError, ValidationError } from '../domain/errors.js';
import { parseOrThrow } from '../domain/zod-issues.js';
import { homeLayout } from '../drivers/common/home.js';
import { openProject, openProjectWith } from '../drivers/open-project.js';
import type { Project } from '../drivers/project.js';

/**
 * The project a Lambda function works on: the config from `ADP_CONFIG_JSON`
 * (the deployment writes it; a function has no home folder of its own),
 * else `adp.config.json` in `ADP_HOME`. The home defaults to `/tmp/adp`,
 * the one writable place in a Lambda container.
 */
export async function openLambdaProject(env: NodeJS.ProcessEnv = process.env): Promise<Project> {
  const home = homeLayout(env.ADP_HOME ?? '/tmp/adp');
  if (!env.ADP_CONFIG_JSON) return openProject(home, { env });
  let json: unknown;
  try {
    json = JSON.parse(env.ADP_CONFIG_JSON);
  } catch (e) {
    throw new ConfigError(`ADP_CONFIG_JSON is not valid JSON (${(e as Error).message})`);
  }
  try {
    return await openProjectWith(home, parseOrThrow(configSchema, json, 'config'), { env });
  } catch (e) {
    if (e instanceof ValidationError) throw new ConfigError(e.issues.map((i) => `ADP_CONFIG_JSON: ${i.path}: ${i.message}`).join('\n'));
    throw e;
  }
}
