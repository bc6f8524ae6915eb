import path from 'node:path';
import type { AdpConfig } from '../../domain/config.js';
import type { ScriptRepo } from '../../ports/script-repo.js';
import type { HomeLayout } from './home.js';

/**
 * The scripts repository `scripts` names: a git remote over HTTPS (cached
 * clone in the home), a CodeCommit repository, or the git folder in the home.
 * Remote clients load only when configured.
 */
export async function openScripts(home: HomeLayout, config: AdpConfig, options: { env?: NodeJS.ProcessEnv; region?: string } = {}): Promise<ScriptRepo> {
  const { env = process.env, region } = options;
  const { url, codecommit, branch, dir, fetchEverySeconds } = config.scripts;
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
  const { GitScriptRepo } = await import('../../adapters/git/git-script-repo.js');
  return new GitScriptRepo({ dir: path.resolve(home.root, dir), branch });
}
