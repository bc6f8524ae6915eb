import fs from 'node:fs/promises';
import path from 'node:path';
import { NotFoundError, StateError, ValidationError } from '../../domain/errors.js';
import { relativePathSchema } from '../../domain/names.js';
import type { Script, ScriptRepo } from '../../ports/script-repo.js';
import { catFileBatch } from './git-cat-file.js';
import { ScriptTextFiles } from './script-text-files.js';
import { gitOk, runGit } from './git-exec.js';
import { type GitLayout, isValidBranchName, locateRepository, readBranchFromFiles, readHeadBranchFromFiles } from './git-refs.js';

export interface GitScriptRepoOptions {
  /** The repository's folder (its work tree, or a bare repository). */
  readonly dir: string;
  /** Branch whose head is "the" version of a script; default: the branch HEAD names at first use. */
  readonly branch?: string;
  /** The git executable; `git` from PATH by default. */
  readonly git?: string;
  /** How many (commit, path) texts to keep in memory. */
  readonly cacheEntries?: number;
  /** A folder to keep texts read in across processes (see {@link ScriptTextFiles}); none by default. */
  readonly textsDir?: string;
}

const pathSchema = relativePathSchema('scripts repository').refine((p) => !/[\r\n]/.test(p), 'must not contain line breaks');
const COMMIT_ID = /^[0-9a-f]{4,64}$/i;

/**
 * The SQL scripts repository, read with the `git` binary (no shell).
 *
 * A warm `readAtHead` starts no process: the branch head is read from the ref
 * files (`refs/heads/<branch>`, else `packed-refs`; git is asked only when
 * those do not say), and texts are cached by (commit, path) since a commit's
 * content never changes: in memory, and with `textsDir` in files, so a new
 * process reading a script it read before starts none either. Only committed
 * content is ever read: edits in the work tree are invisible until committed.
 *
 * @example
 * const repo = new GitScriptRepo({ dir: path.join(home, 'scripts') });
 * const { text, commitId } = await repo.readAtHead('wildrydes/rydebooking-curation.sql');
 */
export class GitScriptRepo implements ScriptRepo {
  readonly dir: string;
  readonly #git: string | undefined;
  readonly #cacheEntries: number;
  readonly #cache = new Map<string, { id: string; text: string } | 'missing' | 'folder'>();
  readonly #files: ScriptTextFiles | undefined;
  #branch: string | undefined;
  #layout: GitLayout | undefined;
  #commits: Promise<unknown> = Promise.resolve();

  constructor(options: GitScriptRepoOptions) {
    this.dir = path.resolve(options.dir);
    if (options.branch !== undefined && !isValidBranchName(options.branch)) {
      throw new ValidationError([{ path: 'branch', message: `'${options.branch}' is not a valid git branch name` }]);
    }
    this.#branch = options.branch;
    this.#git = options.git;
    this.#cacheEntries = options.cacheEntries ?? 512;
    this.#files = options.textsDir === undefined ? undefined : new ScriptTextFiles(options.textsDir);
  }

  /**
   * Creates a repository at `dir` on branch `main`, with the local identity
   * `adp <adp@localhost>` so commits work where git has no user configured.
   * An existing repository is opened as it is.
   */
  static async init(dir: string, options: Omit<GitScriptRepoOptions, 'dir'> = {}): Promise<GitScriptRepo> {
    await fs.mkdir(dir, { recursive: true });
    if (!(await locateRepository(dir, options.git))) {
      // symbolic-ref rather than `init -b`, which needs git 2.28.
      await gitOk(dir, ['init', '-q'], { git: options.git });
      await gitOk(dir, ['symbolic-ref', 'HEAD', 'refs/heads/main'], { git: options.git });
      await gitOk(dir, ['config', 'user.name', 'adp'], { git: options.git });
      await gitOk(dir, ['config', 'user.email', 'adp@localhost'], { git: options.git });
    }
    return new GitScriptRepo({ ...options, dir });
  }

  /** The configured branch, or the one HEAD named when first asked. */
  async branch(): Promise<string> {
    if (this.#branch !== undefined) return this.#branch;
    const layout = await this.#repository();
    let branch = await readHeadBranchFromFiles(layout);
    if (branch === undefined) {
      const r = await runGit(this.dir, ['symbolic-ref', '--short', '-q', 'HEAD'], { git: this.#git });
      branch = r.code === 0 ? r.stdout.toString('utf8').trim() : undefined;
    }
    if (!branch) {
      throw new StateError(`the scripts repository at ${this.dir} has a detached HEAD: check out a branch, or configure the branch to read`);
    }
    return (this.#branch = branch);
  }

  /** The commit at the head of the branch. StateError if the branch has no commits. */
  async headCommit(): Promise<string> {
    const layout = await this.#repository();
    const branch = await this.branch();
    const fromFiles = await readBranchFromFiles(layout, branch);
    if (fromFiles) return fromFiles;
    const r = await runGit(this.dir, ['rev-parse', '--verify', '-q', `refs/heads/${branch}^{commit}`], { git: this.#git });
    if (r.code === 0) return r.stdout.toString('utf8').trim();
    throw new StateError(
      `branch '${branch}' of the scripts repository at ${this.dir} has no commits: commit your scripts to it (git -C ${this.dir} add . && git -C ${this.dir} commit)`,
    );
  }

  async readAtHead(scriptPath: string): Promise<Script> {
    checkPath(scriptPath, 'sqlFilePath');
    const commit = await this.headCommit();
    const branch = await this.branch();
    return this.#read(scriptPath, commit, `in ${branch} at ${commit.slice(0, 7)}`, 'commit it to the scripts repository');
  }

  async readAt(scriptPath: string, commitId: string): Promise<Script> {
    checkPath(scriptPath, 'sqlFilePath');
    if (!COMMIT_ID.test(commitId)) {
      throw new ValidationError([{ path: 'commitId', message: 'must be a commit id (4-64 hexadecimal characters)' }]);
    }
    await this.#repository();
    return this.#read(scriptPath, commitId.toLowerCase(), `in commit ${commitId.slice(0, 7)}`);
  }

  /**
   * Writes `text` to `relPath` in the work tree and commits that file alone on
   * the checked-out branch. Returns the new head commit (the current one if
   * the file was already committed with this text).
   */
  async commitFile(relPath: string, text: string, message: string): Promise<string> {
    checkPath(relPath, 'path');
    const run = this.#commits.then(async () => {
      const layout = await this.#repository();
      if (layout.gitDir === this.dir) throw new StateError(`the scripts repository at ${this.dir} is bare: commit from a clone of it`);
      const file = path.join(this.dir, ...relPath.split('/'));
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, text);
      await gitOk(this.dir, ['add', '--', relPath], { git: this.#git });
      const unchanged = await runGit(this.dir, ['diff', '--cached', '--quiet', '--', relPath], { git: this.#git });
      if (unchanged.code !== 0) {
        await gitOk(this.dir, ['-c', 'commit.gpgsign=false', 'commit', '-q', '--no-verify', '-m', message, '--', relPath], { git: this.#git });
      }
      return (await gitOk(this.dir, ['rev-parse', 'HEAD'], { git: this.#git })).toString('utf8').trim();
    });
    this.#commits = run.catch(() => undefined);
    return run;
  }

  async #read(scriptPath: string, commit: string, where: string, advice?: string): Promise<Script> {
    const key = `${commit}\0${scriptPath}`;
    // Only full ids are stable keys: an abbreviation could name another commit later.
    const full = commit.length >= 40;
    let hit = this.#cache.get(key);
    if (hit === undefined) {
      const kept = full ? await this.#files?.get(commit, scriptPath) : undefined;
      if (kept !== undefined) hit = { id: commit, text: kept };
      else {
        hit = await this.#lookup(scriptPath, commit);
        if (full && typeof hit === 'object') await this.#files?.set(commit, scriptPath, hit.text);
      }
      if (full) this.#remember(key, hit);
    }
    if (hit === 'missing') throw new NotFoundError('script', scriptPath, `not ${where}${advice ? `: ${advice}` : ''}`);
    if (hit === 'folder') throw new NotFoundError('script', scriptPath, `is a folder ${where}, not a file`);
    return { path: scriptPath, text: hit.text, commitId: hit.id };
  }

  async #lookup(scriptPath: string, commit: string): Promise<{ id: string; text: string } | 'missing' | 'folder'> {
    const [c, blob] = await catFileBatch(this.dir, [`${commit}^{commit}`, `${commit}:${scriptPath}`], this.#git);
    if (!c?.found) throw new NotFoundError('commit', commit, `not in the scripts repository at ${this.dir}`);
    if (!blob?.found) return 'missing';
    if (blob.type !== 'blob') return 'folder';
    return { id: c.id, text: blob.content.toString('utf8') };
  }

  #remember(key: string, value: { id: string; text: string } | 'missing' | 'folder'): void {
    this.#cache.set(key, value);
    if (this.#cache.size > this.#cacheEntries) this.#cache.delete(this.#cache.keys().next().value!);
  }

  async #repository(): Promise<GitLayout> {
    if (this.#layout) return this.#layout;
    const exists = await fs.stat(this.dir).then((s) => s.isDirectory(), () => false);
    const layout = exists ? await locateRepository(this.dir, this.#git) : undefined;
    if (!layout) {
      throw new StateError(`no scripts repository at ${this.dir}: run 'adp init' or 'git init ${this.dir}' and commit your scripts`);
    }
    return (this.#layout = layout);
  }
}

function checkPath(p: string, field: string): void {
  const r = pathSchema.safeParse(p);
  if (!r.success) throw new ValidationError(r.error.issues.map((i) => ({ path: field, message: i.message })));
}
