import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { EnvironmentError, NotFoundError, StateError, ValidationError } from '../../domain/errors.js';
import type { Clock } from '../../ports/clock.js';
import type { Script, ScriptRepo } from '../../ports/script-repo.js';
import { isValidBranchName } from './git-refs.js';
import { remoteGitError } from './remote-git-errors.js';
import { basicAuthorization, cloneFolderName, parseRemoteUrl, type RemoteGitAuth, type RemoteGitTarget } from './remote-git-url.js';
import { checkScriptPath, type ScriptLookup, ScriptTexts } from './script-texts.js';

export type { RemoteGitAuth } from './remote-git-url.js';

export interface RemoteGitScriptRepoOptions {
  /** The remote's clone URL: `https://…`, or `http://` to 127.0.0.1/localhost only. Credentials in it are used like `auth` and never stored or shown. */
  readonly url: string;
  /** Folder for cached clones; each remote gets its own bare clone inside it. */
  readonly cacheDir: string;
  /** Branch whose head is "the" version of a script; default: the remote's default branch (its HEAD). */
  readonly branch?: string;
  /** A read at the head fetches first when the last fetch is at least this old (default 30). */
  readonly fetchEverySeconds?: number;
  readonly auth?: RemoteGitAuth;
  /** Each HTTP request of a clone or fetch is abandoned after this long (default 120). */
  readonly timeoutSeconds?: number;
  /** Measures the fetch interval; the system clock by default. */
  readonly clock?: Pick<Clock, 'now'>;
  /** How many (commit, path) texts to keep in memory (default 512). */
  readonly cacheEntries?: number;
}

interface Head {
  readonly branch: string;
  readonly commit: string;
}

type Git = typeof import('./isomorphic-git-api.js');
type HttpClient = Git['http'];

const COMMIT_ID = /^[0-9a-f]{4,64}$/i;
const systemNow = { now: () => new Date() };

/**
 * The SQL scripts repository on any git remote over smart HTTP(S), read with
 * isomorphic-git (loaded on first use) from a bare clone cached on disk.
 *
 * A read at the head fetches first when the last fetch is `fetchEverySeconds`
 * old or more (so a push is seen within that time), and concurrent readers
 * share one fetch; between fetches reads touch only the local clone. A read at
 * a commit uses the local objects and fetches once when the commit is not
 * there yet. A failed fetch fails the read (never a silently stale head).
 * Credentials go in an `Authorization` header only: not in the clone's
 * config, not in messages.
 *
 * @example
 * const repo = new RemoteGitScriptRepo({ url: 'https://git.example.com/data/scripts.git', cacheDir: '/var/cache/adp', auth: { token } });
 * const { text, commitId } = await repo.readAtHead('wildrydes/rydebooking-curation.sql');
 */
export class RemoteGitScriptRepo implements ScriptRepo {
  /** The remote, without credentials. */
  readonly url: string;
  /** The cached bare clone. */
  readonly gitdir: string;
  readonly #target: RemoteGitTarget;
  readonly #branch: string | undefined;
  readonly #fetchEveryMs: number;
  readonly #timeoutMs: number;
  readonly #clock: Pick<Clock, 'now'>;
  readonly #texts: ScriptTexts;
  #lib?: Promise<{ git: Git; http: HttpClient }>;
  #cache: object = {};
  #head: Head | undefined;
  #lastFetchMs: number | undefined;
  #fetching: Promise<Head> | undefined;

  constructor(options: RemoteGitScriptRepoOptions) {
    this.#target = parseRemoteUrl(options.url, options.auth);
    this.url = this.#target.url;
    if (options.branch !== undefined && !isValidBranchName(options.branch)) {
      throw new ValidationError([{ path: 'branch', message: `'${options.branch}' is not a valid git branch name` }]);
    }
    const every = options.fetchEverySeconds ?? 30;
    if (!(every >= 0)) throw new ValidationError([{ path: 'fetchEverySeconds', message: 'must be a number of seconds, 0 or more' }]);
    this.#branch = options.branch;
    this.#fetchEveryMs = every * 1000;
    this.#timeoutMs = (options.timeoutSeconds ?? 120) * 1000;
    this.#clock = options.clock ?? systemNow;
    this.#texts = new ScriptTexts(options.cacheEntries ?? 512);
    this.gitdir = path.join(path.resolve(options.cacheDir), cloneFolderName(this.url));
  }

  async readAtHead(scriptPath: string): Promise<Script> {
    checkScriptPath(scriptPath);
    const head = await this.#sync(this.#fetchEveryMs);
    return this.#read(scriptPath, head.commit, `in ${head.branch} at ${head.commit.slice(0, 7)}`, `commit it and push it to ${this.url}`);
  }

  async readAt(scriptPath: string, commitId: string): Promise<Script> {
    checkScriptPath(scriptPath);
    if (!COMMIT_ID.test(commitId)) {
      throw new ValidationError([{ path: 'commitId', message: 'must be a commit id (4-64 hexadecimal characters)' }]);
    }
    const id = commitId.toLowerCase();
    let fetched = false;
    if (!hasClone(this.gitdir)) {
      await this.#sync(0);
      fetched = true;
    }
    let oid = await this.#resolveCommit(id);
    if (oid === undefined && !fetched) {
      await this.#sync(0);
      oid = await this.#resolveCommit(id);
    }
    if (oid === undefined) throw new NotFoundError('commit', commitId, `not in the scripts remote ${this.url}`);
    return this.#read(scriptPath, oid, `in commit ${oid.slice(0, 7)}`);
  }

  /** The head of the branch after fetching if the last fetch is at least `maxAgeMs` old; joins a fetch under way. */
  #sync(maxAgeMs: number): Promise<Head> {
    if (this.#fetching) return this.#fetching;
    const now = this.#clock.now().getTime();
    if (this.#head && this.#lastFetchMs !== undefined && now - this.#lastFetchMs < maxAgeMs) return Promise.resolve(this.#head);
    const run = this.#fetch().then((head) => {
      this.#head = head;
      this.#lastFetchMs = now;
      return head;
    });
    this.#fetching = run;
    const clear = () => {
      if (this.#fetching === run) this.#fetching = undefined;
    };
    run.then(clear, clear);
    return run;
  }

  async #fetch(): Promise<Head> {
    const { git } = await this.#libraries();
    let defaultBranch: string | undefined;
    if (hasClone(this.gitdir)) defaultBranch = await this.#fetchInto(this.gitdir);
    else defaultBranch = await this.#clone();
    this.#cache = {};
    const branch = this.#branch ?? defaultBranch?.replace(/^refs\/heads\//, '');
    if (!branch) {
      throw new StateError(`the scripts remote ${this.url} has no commits (no default branch): push your scripts to it, or configure the branch to read`);
    }
    try {
      const commit = await git.resolveRef({ fs, gitdir: this.gitdir, ref: `refs/remotes/origin/${branch}` });
      return { branch, commit };
    } catch (error) {
      if ((error as { code?: string }).code !== 'NotFoundError') throw error;
      throw new EnvironmentError(`branch '${branch}' not found on the scripts remote ${this.url}: push it, or configure a branch that exists`);
    }
  }

  // Into a temporary folder renamed into place, so a half-done clone is never mistaken for a cache.
  async #clone(): Promise<string | undefined> {
    const { git } = await this.#libraries();
    await fs.promises.mkdir(path.dirname(this.gitdir), { recursive: true });
    await fs.promises.rm(this.gitdir, { recursive: true, force: true });
    const tmp = `${this.gitdir}.tmp-${randomBytes(6).toString('hex')}`;
    try {
      await git.init({ fs, gitdir: tmp, bare: true });
      await git.addRemote({ fs, gitdir: tmp, remote: 'origin', url: this.url });
      const defaultBranch = await this.#fetchInto(tmp);
      try {
        await fs.promises.rename(tmp, this.gitdir);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // Another process cloned it first: use that clone.
        if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || !hasClone(this.gitdir)) throw error;
        return await this.#fetchInto(this.gitdir);
      }
      return defaultBranch;
    } finally {
      await fs.promises.rm(tmp, { recursive: true, force: true });
    }
  }

  async #fetchInto(gitdir: string): Promise<string | undefined> {
    const { git, http } = await this.#libraries();
    const credentials = this.#target.credentials;
    try {
      const result = await git.fetch({
        fs,
        http,
        gitdir,
        url: this.url,
        remote: 'origin',
        singleBranch: false,
        tags: false,
        prune: true,
        cache: this.#cache,
        ...(credentials ? { headers: { authorization: basicAuthorization(credentials) } } : {}),
      });
      return result.defaultBranch ?? undefined;
    } catch (error) {
      throw remoteGitError(error, this.url, credentials ? [credentials.password] : []);
    }
  }

  async #resolveCommit(id: string): Promise<string | undefined> {
    const { git } = await this.#libraries();
    try {
      const oid = id.length >= 40 ? id : await git.expandOid({ fs, gitdir: this.gitdir, oid: id, cache: this.#cache });
      await git.readCommit({ fs, gitdir: this.gitdir, oid, cache: this.#cache });
      return oid;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'NotFoundError' || code === 'ObjectTypeError') return undefined;
      if (code === 'AmbiguousError') throw new ValidationError([{ path: 'commitId', message: `'${id}' names more than one object: give more characters` }]);
      throw error;
    }
  }

  async #read(scriptPath: string, commit: string, where: string, advice?: string): Promise<Script> {
    const hit = this.#texts.get(commit, scriptPath) ?? this.#texts.set(commit, scriptPath, await this.#lookup(scriptPath, commit));
    if (hit === 'missing') throw new NotFoundError('script', scriptPath, `not ${where}${advice ? `: ${advice}` : ''}`);
    if (hit === 'folder') throw new NotFoundError('script', scriptPath, `is a folder ${where}, not a file`);
    return { path: scriptPath, text: hit.text, commitId: commit };
  }

  async #lookup(scriptPath: string, commit: string): Promise<ScriptLookup> {
    const { git } = await this.#libraries();
    try {
      const { blob } = await git.readBlob({ fs, gitdir: this.gitdir, oid: commit, filepath: scriptPath, cache: this.#cache });
      return { text: Buffer.from(blob).toString('utf8') };
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'NotFoundError') return 'missing';
      if (code === 'ObjectTypeError') return 'folder';
      throw error;
    }
  }

  #libraries(): Promise<{ git: Git; http: HttpClient }> {
    return (this.#lib ??= (async () => {
      const git = await import('./isomorphic-git-api.js');
      const timeoutMs = this.#timeoutMs;
      const base = git.http;
      // Every request gets a deadline: a remote that stops answering fails the read instead of hanging it.
      const http: HttpClient = { request: (req) => base.request({ ...req, signal: req.signal ?? AbortSignal.timeout(timeoutMs) }) };
      return { git, http };
    })());
  }
}

function hasClone(gitdir: string): boolean {
  return fs.existsSync(path.join(gitdir, 'HEAD')) && fs.existsSync(path.join(gitdir, 'objects')) && fs.existsSync(path.join(gitdir, 'config'));
}
