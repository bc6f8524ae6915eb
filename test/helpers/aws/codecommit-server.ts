import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One CodeCommit call the server answered. */
export interface CodeCommitRequest {
  /** The operation, from `X-Amz-Target: CodeCommit_20150413.<Operation>`. */
  readonly operation: string;
  readonly input: Record<string, unknown>;
  readonly authorization: string | undefined;
}

/** A CodeCommit error answer: JSON 1.1 `__type` and message, with its HTTP status. */
export interface CodeCommitFault {
  readonly status: number;
  readonly type: string;
  readonly message: string;
}

/** Runs before each operation is answered; a returned fault is sent instead of the answer. */
export type CodeCommitHook = (req: CodeCommitRequest) => CodeCommitFault | void | Promise<CodeCommitFault | void>;

class Fault extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_')));
const TARGET_PREFIX = 'CodeCommit_20150413.';

/**
 * AWS CodeCommit's JSON 1.1 protocol on 127.0.0.1 for `GetRepository`,
 * `GetBranch` and `GetFile`, answered from real local git repositories with
 * `git` commands (`rev-parse`, `show <commit>:<path>`), so the real SDK
 * client is exercised end to end: request signing, serialisation, base64
 * blobs and modelled errors (`FileDoesNotExistException`, …).
 *
 * @example
 * const server = await CodeCommitServer.start({ 'adp-scripts': repoDir });
 * new CodeCommitClient({ endpoint: server.url, region: 'eu-west-1', credentials });
 */
export class CodeCommitServer {
  readonly requests: CodeCommitRequest[] = [];
  /** Runs before each answer: move a branch, or return a fault (throttling, …). */
  hook: CodeCommitHook | undefined;
  readonly #server: http.Server;
  readonly #repositories: Readonly<Record<string, string>>;

  private constructor(repositories: Readonly<Record<string, string>>) {
    this.#repositories = repositories;
    this.#server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void this.#answer(req, Buffer.concat(chunks).toString('utf8')).then(({ status, body }) => {
          res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': `req-${this.requests.length}` });
          res.end(JSON.stringify(body));
        });
      });
    });
  }

  /** Serves `repositories` (CodeCommit name → folder of a git repository). */
  static async start(repositories: Readonly<Record<string, string>>): Promise<CodeCommitServer> {
    const s = new CodeCommitServer(repositories);
    await new Promise<void>((resolve, reject) => {
      s.#server.once('error', reject);
      s.#server.listen(0, '127.0.0.1', () => resolve());
    });
    return s;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** How many calls of `operation` were answered. */
  count(operation: string): number {
    return this.requests.filter((r) => r.operation === operation).length;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }

  async #answer(req: http.IncomingMessage, text: string): Promise<{ status: number; body: unknown }> {
    const target = String(req.headers['x-amz-target'] ?? '');
    try {
      if (req.method !== 'POST' || !target.startsWith(TARGET_PREFIX)) throw new Fault('UnknownOperationException', `unexpected ${req.method} ${target}`);
      const request: CodeCommitRequest = { operation: target.slice(TARGET_PREFIX.length), input: JSON.parse(text || '{}') as Record<string, unknown>, authorization: req.headers.authorization };
      this.requests.push(request);
      const fault = await this.hook?.(request);
      if (fault) throw new Fault(fault.type, fault.message, fault.status);
      return { status: 200, body: await this.#operate(request) };
    } catch (e) {
      if (e instanceof Fault) return { status: e.status, body: { __type: e.type, message: e.message } };
      return { status: 500, body: { __type: 'InternalFailure', message: (e as Error).message } };
    }
  }

  async #operate({ operation, input }: CodeCommitRequest): Promise<unknown> {
    const name = String(input.repositoryName ?? '');
    if (!name) throw new Fault('RepositoryNameRequiredException', 'A repository name is required.');
    const dir = this.#repositories[name];
    if (!dir) throw new Fault('RepositoryDoesNotExistException', `${name} does not exist`);
    switch (operation) {
      case 'GetRepository': {
        const head = await git(dir, 'symbolic-ref', '--short', '-q', 'HEAD');
        const hasCommit = head.ok && (await git(dir, 'rev-parse', '--verify', '-q', `refs/heads/${head.out}^{commit}`)).ok;
        return { repositoryMetadata: { repositoryName: name, repositoryId: `id-${name}`, ...(hasCommit ? { defaultBranch: head.out } : {}) } };
      }
      case 'GetBranch': {
        const branchName = String(input.branchName ?? '');
        if (!branchName) throw new Fault('BranchNameRequiredException', 'A branch name is required.');
        const commit = await git(dir, 'rev-parse', '--verify', '-q', `refs/heads/${branchName}^{commit}`);
        if (!commit.ok) throw new Fault('BranchDoesNotExistException', `Could not retrieve the branch. ${branchName} does not exist.`);
        return { branch: { branchName, commitId: commit.out } };
      }
      case 'GetFile': {
        const filePath = String(input.filePath ?? '').replace(/^\/+/, '');
        if (!filePath) throw new Fault('PathRequiredException', 'The file path is required.');
        const spec = typeof input.commitSpecifier === 'string' ? input.commitSpecifier : 'HEAD';
        const commit = await git(dir, 'rev-parse', '--verify', '-q', `${spec}^{commit}`);
        if (!commit.ok) throw new Fault('CommitDoesNotExistException', `Could not find the commit ${spec}.`);
        const object = `${commit.out}:${filePath}`;
        if ((await git(dir, 'cat-file', '-t', object)).out !== 'blob') throw new Fault('FileDoesNotExistException', `Could not find the file ${filePath}.`);
        const content = await gitBuffer(dir, 'show', object);
        const blobId = (await git(dir, 'rev-parse', object)).out;
        const mode = (await git(dir, 'ls-tree', commit.out, '--', filePath)).out.split(' ')[0];
        return {
          commitId: commit.out,
          blobId,
          filePath,
          fileMode: mode === '100755' ? 'EXECUTABLE' : mode === '120000' ? 'SYMLINK' : 'NORMAL',
          fileSize: content.length,
          fileContent: content.toString('base64'),
        };
      }
      default:
        throw new Fault('UnknownOperationException', `operation ${operation} is not served here`);
    }
  }
}

function gitBuffer(dir: string, ...args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile('git', ['-C', dir, ...args], { env: cleanEnv, encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
  });
}

function git(dir: string, ...args: string[]): Promise<{ ok: boolean; out: string }> {
  return new Promise((resolve) => {
    execFile('git', ['-C', dir, ...args], { env: cleanEnv, encoding: 'utf8' }, (error, stdout) => resolve({ ok: !error, out: stdout.trim() }));
  });
}
