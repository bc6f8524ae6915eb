import path from 'node:path';
import type { AdpConfig } from '../../domain/config.js';
import type { ScriptRepo } from '../../ports/script-repo.js';
import type { HomeLayout } from './home.js';

/**
 * The scripts repository when `scripts` names a remote: a git remote over
 * HTTPS (cached clone in the home) or a CodeCommit repository; `undefined`
 * when the scripts are the home's own git folder. Each client loads only
 * when configured. A module of its own, so a bundle that never reads a
 * local folder (a Lambda function) carries no local git reader.
 */
export async function openRemoteScripts(
  home: HomeLayout,
  config: AdpConfig,
  options: { env?: NodeJS.ProcessEnv; region?: string } = {},
): Promise<ScriptRepo | undefined> {
  const { env = process.env, region } = options;
  const { url, codecommit, branch, fetchEverySeconds } = config.scripts;
  if (url) {
    const { RemoteGitScriptRepo } = await import('../../adapters/git/remote-git-script-repo.js');
    const token = env.ADP_GIT_TOKEN;
    return new RemoteGitScriptRepo({
      url,
      branch,
      fetchEverySeconds,
      cacheDir: path.join(home.root, '.adp', 'scripts-cache'),
      ...(token ? { auth: { token } } : {}),
    });
  }
  if (codecommit) {
    const { CodeCommitScriptRepo } = await import('../../adapters/aws/codecommit/codecommit-script-repo.js');
    return new CodeCommitScriptRepo({ repositoryName: codecommit, branch, ...(region ? { region } : {}) });
  }
  return undefined;
}
