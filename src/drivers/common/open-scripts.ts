import path from 'node:path';
import type { AdpConfig } from '../../domain/config.js';
import type { ScriptRepo } from '../../ports/script-repo.js';
import type { HomeLayout } from './home.js';
import { openRemoteScripts } from './open-remote-scripts.js';

/**
 * The scripts repository `scripts` names: a git remote over HTTPS (cached
 * clone in the home), a CodeCommit repository, or the git folder in the home.
 * Remote clients load only when configured.
 */
export async function openScripts(home: HomeLayout, config: AdpConfig, options: { env?: NodeJS.ProcessEnv; region?: string } = {}): Promise<ScriptRepo> {
  const remote = await openRemoteScripts(home, config, options);
  if (remote) return remote;
  const { GitScriptRepo } = await import('../../adapters/git/git-script-repo.js');
  return new GitScriptRepo({ dir: path.resolve(home.root, config.scripts.dir), branch: config.scripts.branch, textsDir: home.scriptTexts });
}
