import type { CodeCommitClient, CodeCommitClientConfig } from '@aws-sdk/client-codecommit';
import { NotFoundError, StateError, ValidationError } from '../../../domain/errors.js';
import type { Script, ScriptRepo } from '../../../ports/script-repo.js';
import { isValidBranchName } from '../../git/git-refs.js';
import { checkScriptPath, FULL_COMMIT_ID, type ScriptLookup, ScriptTexts } from '../../git/script-texts.js';
import { type CodeCommitCall, codeCommitError } from './codecommit-errors.js';

export interface CodeCommitScriptRepoOptions {
  /** The CodeCommit repository (the sample's `scriptsRepo`). */
  readonly repositoryName: string;
  /** Branch whose head is "the" version of a script; default: the repository's default branch. */
  readonly branch?: string;
  /** Default: the SDK's (AWS_REGION, the profile). */
  readonly region?: string;
  /** Another endpoint than AWS's (a VPC endpoint, a local protocol server in tests). */
  readonly endpoint?: string;
  /** Added to the client config last (credentials, retry settings). */
  readonly client?: CodeCommitClientConfig;
  /** How many (commit, path) texts to keep in memory (default 512). */
  readonly cacheEntries?: number;
}

interface Api {
  readonly client: CodeCommitClient;
  readonly region: string;
  getRepository(): Promise<{ defaultBranch?: string }>;
  getBranch(branch: string): Promise<{ commitId?: string }>;
  getFile(commit: string, filePath: string): Promise<{ commitId?: string; fileContent?: Uint8Array }>;
}

const REPOSITORY_NAME = /^[\w.-]{1,100}$/;

/**
 * The SQL scripts repository in AWS CodeCommit, through the AWS SDK (loaded
 * on first use). A read at the head asks `GetBranch` for the head commit and
 * then `GetFile` at that commit id, so the text and the commit recorded with
 * a run always belong together even when the branch moves in between. Texts
 * are cached by (commit, path): a commit's content never changes.
 *
 * @example
 * const repo = new CodeCommitScriptRepo({ repositoryName: 'adp-scripts', region: 'eu-west-1' });
 * const { text, commitId } = await repo.readAtHead('wildrydes/rydebooking-curation.sql');
 */
export class CodeCommitScriptRepo implements ScriptRepo {
  readonly repositoryName: string;
  readonly #options: CodeCommitScriptRepoOptions;
  readonly #texts: ScriptTexts;
  #branch: string | undefined;
  #api?: Promise<Api>;

  constructor(options: CodeCommitScriptRepoOptions) {
    if (!REPOSITORY_NAME.test(options.repositoryName) || options.repositoryName.endsWith('.git')) {
      throw new ValidationError([{ path: 'repositoryName', message: 'must be 1-100 characters of A-Z a-z 0-9 _ . - and not end in .git' }]);
    }
    if (options.branch !== undefined && !isValidBranchName(options.branch)) {
      throw new ValidationError([{ path: 'branch', message: `'${options.branch}' is not a valid git branch name` }]);
    }
    this.repositoryName = options.repositoryName;
    this.#options = options;
    this.#branch = options.branch;
    this.#texts = new ScriptTexts(options.cacheEntries ?? 512);
  }

  async readAtHead(scriptPath: string): Promise<Script> {
    checkScriptPath(scriptPath);
    const api = await this.#open();
    const branch = await this.#branchName(api);
    const head = await this.#call(api, { operation: 'GetBranch', branch }, () => api.getBranch(branch));
    if (!head.commitId) throw new StateError(`branch '${branch}' of CodeCommit repository '${this.repositoryName}' has no commit: push your scripts to it`);
    return this.#read(api, scriptPath, head.commitId, `in ${branch} at ${head.commitId.slice(0, 7)}`, `commit it and push it to CodeCommit repository '${this.repositoryName}'`);
  }

  async readAt(scriptPath: string, commitId: string): Promise<Script> {
    checkScriptPath(scriptPath);
    const id = commitId.toLowerCase();
    if (!FULL_COMMIT_ID.test(id)) {
      throw new ValidationError([{ path: 'commitId', message: 'must be a full commit id (40 or 64 hexadecimal characters)' }]);
    }
    const api = await this.#open();
    return this.#read(api, scriptPath, id, `in commit ${id.slice(0, 7)}`);
  }

  /** Releases the SDK client's sockets. */
  async close(): Promise<void> {
    const opened = this.#api;
    this.#api = undefined;
    if (opened) (await opened.catch(() => undefined))?.client.destroy();
  }

  async #read(api: Api, scriptPath: string, commit: string, where: string, advice?: string): Promise<Script> {
    const hit = this.#texts.get(commit, scriptPath) ?? this.#texts.set(commit, scriptPath, await this.#lookup(api, scriptPath, commit));
    if (hit === 'missing') throw new NotFoundError('script', scriptPath, `not ${where}${advice ? `: ${advice}` : ''}`);
    if (hit === 'folder') throw new NotFoundError('script', scriptPath, `is a folder ${where}, not a file`);
    return { path: scriptPath, text: hit.text, commitId: commit };
  }

  async #lookup(api: Api, scriptPath: string, commit: string): Promise<ScriptLookup> {
    let file;
    try {
      file = await api.getFile(commit, scriptPath);
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'FileDoesNotExistException') return 'missing';
      if (name === 'CommitDoesNotExistException' || name === 'InvalidCommitException') {
        throw new NotFoundError('commit', commit, `not in CodeCommit repository '${this.repositoryName}'`);
      }
      throw codeCommitError(error, { operation: 'GetFile', repositoryName: this.repositoryName, region: api.region });
    }
    if (file.commitId && file.commitId !== commit) {
      throw new StateError(`CodeCommit returned commit ${file.commitId} for GetFile at ${commit}: the repository '${this.repositoryName}' answered for another commit than asked`);
    }
    return { text: Buffer.from(file.fileContent ?? new Uint8Array()).toString('utf8') };
  }

  async #branchName(api: Api): Promise<string> {
    if (this.#branch !== undefined) return this.#branch;
    const repo = await this.#call(api, { operation: 'GetRepository' }, () => api.getRepository());
    if (!repo.defaultBranch) {
      throw new StateError(`CodeCommit repository '${this.repositoryName}' has no default branch (nothing pushed yet): push your scripts to it, or configure the branch to read`);
    }
    return (this.#branch = repo.defaultBranch);
  }

  async #call<T>(api: Api, call: Omit<CodeCommitCall, 'repositoryName' | 'region'>, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw codeCommitError(error, { ...call, repositoryName: this.repositoryName, region: api.region });
    }
  }

  #open(): Promise<Api> {
    return (this.#api ??= (async () => {
      const sdk = await import('./codecommit-commands.js');
      const o = this.#options;
      const client = new sdk.CodeCommitClient({
        ...(o.region ? { region: o.region } : {}),
        ...(o.endpoint ? { endpoint: o.endpoint } : {}),
        ...o.client,
      });
      const region = await client.config.region().catch(() => o.region ?? 'no region');
      const repositoryName = this.repositoryName;
      return {
        client,
        region,
        getRepository: async () => (await client.send(new sdk.GetRepositoryCommand({ repositoryName }))).repositoryMetadata ?? {},
        getBranch: async (branchName) => (await client.send(new sdk.GetBranchCommand({ repositoryName, branchName }))).branch ?? {},
        getFile: (commitSpecifier, filePath) => client.send(new sdk.GetFileCommand({ repositoryName, commitSpecifier, filePath })),
      } satisfies Api;
    })());
  }
}
