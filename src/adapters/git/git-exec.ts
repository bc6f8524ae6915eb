import { execFile } from 'node:child_process';
import path from 'node:path';
import { StateError } from '../../domain/errors.js';

export interface GitResult {
  readonly code: number;
  readonly stdout: Buffer;
  readonly stderr: string;
}

export interface GitOptions {
  /** The git executable; `git` from PATH by default. */
  readonly git?: string;
  /** Written to git's stdin (for `cat-file --batch`). */
  readonly input?: string;
  /** Extra environment, e.g. a fallback author identity. */
  readonly env?: Readonly<Record<string, string>>;
}

// Variables that point git at another repository; inherited from a hook or a
// parent git process they would make us read the wrong one.
const LOCATION_VARS = [
  'GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR', 'GIT_NAMESPACE', 'GIT_CEILING_DIRECTORIES', 'GIT_DISCOVERY_ACROSS_FILESYSTEM',
];

/**
 * Runs `git -C dir …args` without a shell and returns its exit code and
 * output; only a missing git binary throws. Git never searches above `dir`,
 * so a folder that is not a repository is reported as such even when it
 * lies inside another repository.
 */
export function runGit(dir: string, args: readonly string[], options: GitOptions = {}): Promise<GitResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  for (const name of LOCATION_VARS) delete env[name];
  env.GIT_CEILING_DIRECTORIES = path.dirname(path.resolve(dir));
  return new Promise((resolve, reject) => {
    const child = execFile(
      options.git ?? 'git',
      ['-C', dir, ...args],
      { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024, env, windowsHide: true },
      (error, stdout, stderr) => {
        // A string code is a failure to run git at all; a number is git's exit code.
        const spawnCode = (error as { code?: unknown } | null)?.code;
        if (typeof spawnCode === 'string') {
          reject(
            spawnCode === 'ENOENT'
              ? new StateError(`git was not found (${options.git ?? 'git'}): install git, the scripts repository needs it`)
              : error!,
          );
          return;
        }
        resolve({ code: error ? (typeof spawnCode === 'number' ? spawnCode : 1) : 0, stdout, stderr: stderr.toString('utf8') });
      },
    );
    // If git exits before reading its input, the write fails with EPIPE; the exit code already says why.
    child.stdin?.on('error', () => undefined);
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** {@link runGit}, but a non-zero exit is a StateError quoting git's first line of complaint. */
export async function gitOk(dir: string, args: readonly string[], options: GitOptions = {}): Promise<Buffer> {
  const result = await runGit(dir, args, options);
  if (result.code !== 0) {
    const reason = result.stderr.split('\n').find((l) => l.trim() !== '') ?? `exit code ${result.code}`;
    throw new StateError(`git ${args[0]} failed in ${dir}: ${reason.replace(/^(fatal|error): /, '')}`);
  }
  return result.stdout;
}
