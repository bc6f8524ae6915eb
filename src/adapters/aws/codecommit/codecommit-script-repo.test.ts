import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CodeCommitServer } from '../../../../test/helpers/aws/codecommit-server.js';
import { EnvironmentError, NotFoundError, StateError, TransientError, ValidationError } from '../../../domain/errors.js';
import { CodeCommitScriptRepo, type CodeCommitScriptRepoOptions } from './codecommit-script-repo.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const SQL = 'wildrydes/rydebooking-curation.sql';
const REPO = 'adp-scripts';
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_')));

let tmp: string;
let dir: string;
let server: CodeCommitServer;
let repos: CodeCommitScriptRepo[];

function git(...args: string[]): string {
  return execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@localhost', ...args], { env: cleanEnv, encoding: 'utf8' }).trim();
}

/** Commits `text` at `rel` on the checked-out branch of the served repository; returns the commit. */
function commit(rel: string, text: string): string {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), text);
  git('add', rel);
  git('commit', '-qm', `update ${rel}`);
  return git('rev-parse', 'HEAD');
}

function repo(patch: Partial<CodeCommitScriptRepoOptions> = {}): CodeCommitScriptRepo {
  const r = new CodeCommitScriptRepo({ repositoryName: REPO, region: 'eu-west-1', endpoint: server.url, client: { credentials, maxAttempts: 1 }, ...patch });
  repos.push(r);
  return r;
}

async function errorOf(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => expect.fail('expected a rejection'),
    (e: Error) => e,
  );
}

beforeEach(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'adp-codecommit-'));
  dir = path.join(tmp, REPO);
  fs.mkdirSync(dir);
  git('init', '-q');
  git('symbolic-ref', 'HEAD', 'refs/heads/main');
  server = await CodeCommitServer.start({ [REPO]: dir, empty: path.join(tmp, 'empty') });
  fs.mkdirSync(path.join(tmp, 'empty'));
  execFileSync('git', ['-C', path.join(tmp, 'empty'), 'init', '-q'], { env: cleanEnv });
  repos = [];
});
afterEach(async () => {
  for (const r of repos) await r.close();
  await server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('CodeCommitScriptRepo (CodeCommit protocol server on 127.0.0.1 backed by a git repository, real AWS SDK)', () => {
  it('reads at the head with GetBranch, then GetFile at that commit id, signed for CodeCommit', async () => {
    const c1 = commit(SQL, 'select * from wildrydes.rydebookings;');
    const r = repo({ branch: 'main' });
    expect(await r.readAtHead(SQL)).toEqual({ path: SQL, text: 'select * from wildrydes.rydebookings;', commitId: c1 });
    expect(server.requests.map((q) => [q.operation, q.input])).toEqual([
      ['GetBranch', { repositoryName: REPO, branchName: 'main' }],
      ['GetFile', { repositoryName: REPO, commitSpecifier: c1, filePath: SQL }],
    ]);
    expect(server.requests[0]!.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/eu-west-1\/codecommit\/aws4_request, /);
  });

  it('returns the text at the commit GetBranch named, even when the branch moves before GetFile', async () => {
    const c1 = commit(SQL, 'select 1');
    let moved: string | undefined;
    server.hook = (req) => {
      if (req.operation === 'GetFile' && !moved) moved = commit(SQL, 'select 2');
    };
    expect(await repo().readAtHead(SQL)).toEqual({ path: SQL, text: 'select 1', commitId: c1 });
    expect(moved).toBeDefined();
    expect(git('rev-parse', 'main')).toBe(moved);
    // The next read sees the new head.
    expect(await repo().readAtHead(SQL)).toEqual({ path: SQL, text: 'select 2', commitId: moved });
  });

  it('reads the default branch, asked once with GetRepository, when none is configured', async () => {
    commit(SQL, 'select 1');
    git('branch', '-m', 'trunk');
    const r = repo();
    expect((await r.readAtHead(SQL)).text).toBe('select 1');
    const c2 = commit(SQL, 'select 2');
    expect((await r.readAtHead(SQL)).commitId).toBe(c2);
    expect(server.count('GetRepository')).toBe(1);
    expect(server.requests.filter((q) => q.operation === 'GetBranch').map((q) => q.input.branchName)).toEqual(['trunk', 'trunk']);
  });

  it('reads older commits, from memory once read, and reports unknown commits and bad ids', async () => {
    const c1 = commit(SQL, 'select 1');
    const c2 = commit(SQL, 'select 2');
    const r = repo();
    expect(await r.readAt(SQL, c1)).toEqual({ path: SQL, text: 'select 1', commitId: c1 });
    expect(await r.readAt(SQL, c1.toUpperCase())).toEqual({ path: SQL, text: 'select 1', commitId: c1 });
    expect((await r.readAtHead(SQL)).commitId).toBe(c2);
    expect(await r.readAtHead(SQL)).toMatchObject({ text: 'select 2' });
    expect(server.count('GetFile')).toBe(2);
    const unknown = await errorOf(r.readAt(SQL, 'deadbeef'.repeat(5)));
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect(unknown).toMatchObject({ kind: 'commit', message: expect.stringContaining(`not in CodeCommit repository '${REPO}'`) });
    for (const bad of ['HEAD', 'main', c1.slice(0, 7)]) {
      const v = await errorOf(r.readAt(SQL, bad));
      expect(v, bad).toBeInstanceOf(ValidationError);
      expect((v as ValidationError).issues[0]?.path).toBe('commitId');
    }
  });

  it('reports a missing script as NotFoundError naming branch, commit and repository', async () => {
    const c1 = commit(SQL, 'select 1');
    const r = repo();
    const e = await errorOf(r.readAtHead('wildrydes/other.sql'));
    expect(e).toBeInstanceOf(NotFoundError);
    expect(e.message).toBe(`script 'wildrydes/other.sql' not found: not in main at ${c1.slice(0, 7)}: commit it and push it to CodeCommit repository '${REPO}'`);
    expect(await errorOf(r.readAtHead('wildrydes'))).toBeInstanceOf(NotFoundError);
    expect((await errorOf(r.readAt('wildrydes/other.sql', c1))).message).toContain(`not in commit ${c1.slice(0, 7)}`);
    for (const bad of ['../x.sql', '/etc/passwd', 'a//b.sql']) {
      expect(await errorOf(r.readAtHead(bad)), bad).toBeInstanceOf(ValidationError);
    }
    expect(server.requests.filter((q) => String(q.input.filePath).includes('..'))).toEqual([]);
  });

  it('names a missing repository or branch and says what to do', async () => {
    commit(SQL, 'select 1');
    const noRepo = await errorOf(repo({ repositoryName: 'nope' }).readAtHead(SQL));
    expect(noRepo).toBeInstanceOf(EnvironmentError);
    expect(noRepo.message).toBe("CodeCommit repository 'nope' (eu-west-1) does not exist: create it, or configure the scripts repository's name and region");
    const noBranch = await errorOf(repo({ branch: 'release' }).readAtHead(SQL));
    expect(noBranch).toBeInstanceOf(EnvironmentError);
    expect(noBranch.message).toBe(`branch 'release' does not exist in CodeCommit repository '${REPO}' (eu-west-1): push your scripts to it, or configure the branch to read`);
    const empty = await errorOf(repo({ repositoryName: 'empty' }).readAtHead(SQL));
    expect(empty).toBeInstanceOf(StateError);
    expect(empty.message).toContain("CodeCommit repository 'empty' has no default branch");
    expect(() => repo({ repositoryName: 'bad name' })).toThrow(ValidationError);
    expect(() => repo({ branch: '../x' })).toThrow(ValidationError);
  });

  it('turns throttling and server faults into TransientError, refused credentials into EnvironmentError', async () => {
    const c1 = commit(SQL, 'select 1');
    const r = repo({ branch: 'main' });
    server.hook = () => ({ status: 400, type: 'ThrottlingException', message: 'Rate exceeded' });
    const throttled = await errorOf(r.readAtHead(SQL));
    expect(throttled).toBeInstanceOf(TransientError);
    expect(throttled.message).toContain(`GetBranch on CodeCommit repository '${REPO}' (eu-west-1) failed for now (ThrottlingException: Rate exceeded)`);
    server.hook = (req) => (req.operation === 'GetFile' ? { status: 500, type: 'InternalFailure', message: 'oops' } : undefined);
    expect(await errorOf(r.readAt(SQL, c1))).toBeInstanceOf(TransientError);
    server.hook = () => ({ status: 400, type: 'AccessDeniedException', message: 'not authorized to perform codecommit:GetBranch' });
    const denied = await errorOf(r.readAtHead(SQL));
    expect(denied).toBeInstanceOf(EnvironmentError);
    expect(denied.message).toContain('allow codecommit:GetRepository, codecommit:GetBranch and codecommit:GetFile');
    server.hook = undefined;
    expect(await r.readAtHead(SQL)).toMatchObject({ text: 'select 1', commitId: c1 });
  });

  it('reports an endpoint that does not answer as transient', async () => {
    commit(SQL, 'select 1');
    const r = repo();
    await server.close();
    const e = await errorOf(r.readAtHead(SQL));
    expect(e).toBeInstanceOf(TransientError);
    expect(e.message).toContain(`CodeCommit repository '${REPO}'`);
    server = await CodeCommitServer.start({});
  });
});
