import type { AdpConfig } from '../../domain/config.js';
import { ConfigError } from '../../domain/errors.js';
import type { ScriptRepo } from '../../ports/script-repo.js';
import type { HomeLayout } from '../common/home.js';
import { openRemoteScripts } from '../common/open-remote-scripts.js';
import { LAMBDA_ENV, lambdaClientConfig } from './lambda-env.js';

/** The token of each secret read in this container: read once, kept for the container's life (a failed read is not kept). */
const tokens = new Map<string, Promise<string>>();

/**
 * The git token of a git-remote scripts source: the secret
 * `ADP_GIT_TOKEN_SECRET_ARN` names (its text, or its `token` field), read
 * once per container; `undefined` when the variable is not set (the
 * Secrets Manager SDK then never loads).
 */
export async function lambdaGitToken(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const arn = env[LAMBDA_ENV.gitTokenSecretArn];
  if (!arn) return undefined;
  let token = tokens.get(arn);
  if (!token) {
    token = import('../../adapters/aws/secretsmanager/secret-string.js').then(({ readSecretString }) =>
      readSecretString({ secretId: arn, key: 'token', clientConfig: lambdaClientConfig(env) }),
    );
    tokens.set(arn, token);
    token.catch(() => tokens.delete(arn));
  }
  return token;
}

/**
 * A function's scripts: CodeCommit, or a git remote with the token from
 * {@link lambdaGitToken} (a function has no scripts folder).
 *
 * @throws ConfigError when the config names no remote scripts source.
 */
export async function openLambdaScripts(home: HomeLayout, config: AdpConfig, options: { env: NodeJS.ProcessEnv; region?: string }): Promise<ScriptRepo> {
  const token = config.scripts.url ? await lambdaGitToken(options.env) : undefined;
  const env = token ? { ...options.env, ADP_GIT_TOKEN: token } : options.env;
  const scripts = await openRemoteScripts(home, config, { env, ...(options.region ? { region: options.region } : {}) });
  if (!scripts) {
    throw new ConfigError('a Lambda function has no scripts folder: set "scripts": {"codecommit": …} or {"url": …} in the config (deploy/aws does)');
  }
  return scripts;
}
