import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/helpers/fake-clock.js';
import { GitHttpServer } from '../../../test/helpers/git-http-server.js';
import { CaptureServer } from '../../../test/helpers/http-capture.js';
import { EnvironmentError, NotFoundError, StateError, TransientError, ValidationError } from '../../domain/errors.js';
import { RemoteGitScriptRepo, type RemoteGitScriptRepoOptions } from './remote-git-script-repo.js';

const SQL = 'wildrydes/rydebooking-curation.sql';
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_')));

let tmp: string;
let remotes: string;
let work: string;
let cacheDir: string;
let server: GitHttpServer | undefined;
let clock: FakeClock;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-C', cwd, '-c', 'user.name=t', '-c', 'user.email=t@localhost', ...args], { env: cleanEnv, encoding: 'utf8' }).trim();
}

/** Commits `text` at `rel` in the work clone and pushes it to the served bare repository; returns the commit. */
function push(rel: string, text: string, branch = 'main'): string {
  fs.mkdirSync(path.dirname(path.join(work, rel)), { recursive: true });
  fs.writeFileSync(path.join(work, rel), text);
  git(work, 'add', rel);
  git(work, 'commit', '-qm', `update ${rel}`);
  git(work, 'push', '-q', 'origin', `HEAD:refs/heads/${branch}`);
  return git(work, 'rev-parse', 'HEAD');
}

async function errorOf(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => expect.fail('expected a rejection'),
    (e: Error) => e,
  );
}

async function serve(options: { basicAuth?: { username: string; password: string }; port?: number } = {}): Promise<GitHttpServer> {
  server = await GitHttpServer.start({ root: remotes, ...options });
  return server;
}

function repo(patch: Partial<RemoteGitScriptRepoOptions> = {}): RemoteGitScriptRepo {
  return new RemoteGitScriptRepo({ url: `${server!.url}/scripts.git`, cacheDir, clock, ...patch });
}

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'adp-remote-'));
  remotes = path.join(tmp, 'remotes');
  work = path.join(tmp, 'work');
  cacheDir = path.join(tmp, 'cache');
  fs.mkdirSync(remotes);
  git(remotes, 'init', '-q', '--bare', 'scripts.git');
  git(path.join(remotes, 'scripts.git'), 'symbolic-ref', 'HEAD', 'refs/heads/main');
  fs.mkdirSync(work);
  git(work, 'init', '-q');
  git(work, 'remote', 'add', 'origin', path.join(remotes, 'scripts.git'));
  clock = new FakeClock('2027-01-04T10:00:00Z');
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('RemoteGitScriptRepo (isomorphic-git against git http-backend on 127.0.0.1)', () => {
  it('clones on the first read into a bare cache, then reads between fetches without the network', async () => {
    const c1 = push(SQL, 'select 1');
    await serve();
    const r = repo();
    expect(await r.readAtHead(SQL)).toEqual({ path: SQL, text: 'select 1', commitId: c1 });
    expect(server!.fetches).toBe(1);
    expect(path.dirname(r.gitdir)).toBe(cacheDir);
    expect(git(r.gitdir, 'rev-parse', '--is-bare-repository')).toBe('true');
    expect(git(r.gitdir, 'rev-parse', 'refs/remotes/origin/main')).toBe(c1);
    expect(fs.readdirSync(cacheDir)).toEqual([path.basename(r.gitdir)]);
    for (let i = 0; i < 5; i++) await r.readAtHead(SQL);
    expect(server!.fetches).toBe(1);
  });

  it('sees a pushed commit once fetchEverySeconds have passed, and not before', async () => {
    push(SQL, 'select 1');
    await serve();
    const r = repo({ fetchEverySeconds: 30 });
    expect((await r.readAtHead(SQL)).text).toBe('select 1');
    const c2 = push(SQL, 'select 2');
    await clock.advance(29_999);
    expect((await r.readAtHead(SQL)).text).toBe('select 1');
    expect(server!.fetches).toBe(1);
    await clock.advance(1);
    expect(await r.readAtHead(SQL)).toEqual({ path: SQL, text: 'select 2', commitId: c2 });
    expect(server!.fetches).toBe(2);
  });

  it('concurrent readers share one clone, and later one fetch', async () => {
    push(SQL, 'select 1');
    push('other.sql', 'select 9');
    await serve();
    const r = repo();
    const first = await Promise.all([...Array(8)].map((_, i) => r.readAtHead(i % 2 ? SQL : 'other.sql')));
    expect(new Set(first.map((s) => s.commitId)).size).toBe(1);
    expect(server!.fetches).toBe(1);
    await clock.advance(30_000);
    await Promise.all([...Array(8)].map(() => r.readAtHead(SQL)));
    expect(server!.fetches).toBe(2);
  });

  it('reads an old commit from the local objects, and fetches once for a commit it has not seen', async () => {
    const c1 = push(SQL, 'select 1');
    const c2 = push(SQL, 'select 2');
    await serve();
    const r = repo();
    expect((await r.readAtHead(SQL)).commitId).toBe(c2);
    expect(await r.readAt(SQL, c1)).toEqual({ path: SQL, text: 'select 1', commitId: c1 });
    expect(await r.readAt(SQL, c1.slice(0, 7).toUpperCase())).toEqual({ path: SQL, text: 'select 1', commitId: c1 });
    expect(server!.fetches).toBe(1);
    // Pushed (and run by another worker) after our last fetch, well within the interval.
    const c3 = push(SQL, 'select 3');
    expect(await r.readAt(SQL, c3)).toEqual({ path: SQL, text: 'select 3', commitId: c3 });
    expect(server!.fetches).toBe(2);
    const unknown = await errorOf(r.readAt(SQL, 'deadbeef'.repeat(5)));
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect(unknown.message).toContain(`not in the scripts remote ${server!.url}/scripts.git`);
    expect(server!.fetches).toBe(3);
    expect(await errorOf(r.readAt(SQL, 'HEAD~1'))).toBeInstanceOf(ValidationError);
  });

  it('reads a commit in a fresh process from the cache on disk, cloning only if there is none', async () => {
    const c1 = push(SQL, 'select 1');
    await serve();
    expect(await repo().readAt(SQL, c1)).toMatchObject({ text: 'select 1' });
    expect(server!.fetches).toBe(1);
    expect(await repo().readAt(SQL, c1)).toMatchObject({ text: 'select 1' });
    expect(server!.fetches).toBe(1);
    // A new process fetches before its first read at the head, into the existing clone.
    push(SQL, 'select 2');
    expect((await repo().readAtHead(SQL)).text).toBe('select 2');
    expect(server!.fetches).toBe(2);
  });

  it('reports a missing script, or a folder, as NotFoundError naming the branch, commit and remote', async () => {
    const c1 = push(SQL, 'select 1');
    await serve();
    const r = repo();
    const e = await errorOf(r.readAtHead('wildrydes/other.sql'));
    expect(e).toBeInstanceOf(NotFoundError);
    expect(e.message).toBe(`script 'wildrydes/other.sql' not found: not in main at ${c1.slice(0, 7)}: commit it and push it to ${server!.url}/scripts.git`);
    expect((await errorOf(r.readAtHead('wildrydes'))).message).toContain('is a folder');
    expect((await errorOf(r.readAt('wildrydes/other.sql', c1))).message).toContain(`not in commit ${c1.slice(0, 7)}`);
    for (const bad of ['../x.sql', '/etc/passwd', 'a//b.sql', 'wildrydes/']) {
      const v = await errorOf(r.readAtHead(bad));
      expect(v, bad).toBeInstanceOf(ValidationError);
      expect((v as ValidationError).issues[0]?.path).toBe('sqlFilePath');
    }
  });

  it('reads a configured branch, and says so when the remote lacks it', async () => {
    const c1 = push(SQL, 'select 1');
    push(SQL, 'select prod', 'release/prod');
    await serve();
    expect((await repo({ branch: 'release/prod' }).readAtHead(SQL)).text).toBe('select prod');
    expect((await repo().readAtHead(SQL)).commitId).toBe(c1);
    const e = await errorOf(repo({ branch: 'nope' }).readAtHead(SQL));
    expect(e).toBeInstanceOf(EnvironmentError);
    expect(e.message).toBe(`branch 'nope' not found on the scripts remote ${server!.url}/scripts.git: push it, or configure a branch that exists`);
    expect(() => repo({ branch: '../../config' })).toThrow(ValidationError);
  });

  it('sends the token as Basic credentials up front, never stores it, and names a refusal without it', async () => {
    const c1 = push(SQL, 'select 1');
    await serve({ basicAuth: { username: 'x-access-token', password: 's3cret-token' } });
    const r = repo({ auth: { token: 's3cret-token' } });
    expect((await r.readAtHead(SQL)).commitId).toBe(c1);
    expect(server!.requests.every((q) => q.status === 200)).toBe(true);
    expect(fs.readFileSync(path.join(r.gitdir, 'config'), 'utf8')).not.toContain('s3cret');

    // Credentials in the URL work the same, and never reach the clone's config.
    const inUrl = new RemoteGitScriptRepo({ url: `http://x-access-token:s3cret-token@127.0.0.1:${new URL(server!.url).port}/scripts.git`, cacheDir: path.join(tmp, 'c2'), clock });
    expect(inUrl.url).toBe(`${server!.url}/scripts.git`);
    expect((await inUrl.readAtHead(SQL)).commitId).toBe(c1);
    expect(fs.readFileSync(path.join(inUrl.gitdir, 'config'), 'utf8')).not.toContain('s3cret');

    const denied = await errorOf(repo({ cacheDir: path.join(tmp, 'c3'), auth: { username: 'x-access-token', password: 'wrong-pass' } }).readAtHead(SQL));
    expect(denied).toBeInstanceOf(EnvironmentError);
    expect(denied.message).toContain(`the scripts remote ${server!.url}/scripts.git refused access (HTTP 401)`);
    expect(denied.message).not.toContain('wrong-pass');
  });

  it('reports an unreachable remote as transient, naming the URL without credentials', async () => {
    push(SQL, 'select 1');
    await serve();
    const port = new URL(server!.url).port;
    await server!.close();
    server = undefined;
    const r = new RemoteGitScriptRepo({ url: `http://deploy:hunter2@127.0.0.1:${port}/scripts.git`, cacheDir, clock });
    const e = await errorOf(r.readAtHead(SQL));
    expect(e).toBeInstanceOf(TransientError);
    expect(e.message).toContain(`cannot reach the scripts remote http://127.0.0.1:${port}/scripts.git (ECONNREFUSED)`);
    expect(e.message).not.toMatch(/hunter2|deploy/);
    expect(fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir) : []).toEqual([]);

    const missing = await serve();
    const notThere = await errorOf(new RemoteGitScriptRepo({ url: `${missing.url}/nope.git`, cacheDir, clock }).readAtHead(SQL));
    expect(notThere).toBeInstanceOf(EnvironmentError);
    expect(notThere.message).toContain(`no git repository at ${missing.url}/nope.git (HTTP 404)`);
  });

  it('fails the read rather than serve a stale head when a due fetch fails, and fetches again on the next read', async () => {
    push(SQL, 'select 1');
    await serve();
    const port = Number(new URL(server!.url).port);
    const r = repo();
    await r.readAtHead(SQL);
    const c2 = push(SQL, 'select 2');
    await server!.close();
    server = undefined;
    await clock.advance(30_000);
    expect(await errorOf(r.readAtHead(SQL))).toBeInstanceOf(TransientError);
    await serve({ port });
    expect(await r.readAtHead(SQL)).toEqual({ path: SQL, text: 'select 2', commitId: c2 });
  });

  it('gives up on a remote that stops answering after timeoutSeconds, as a transient error', async () => {
    const silent = await CaptureServer.start(() => ({ hang: true }));
    try {
      const e = await errorOf(new RemoteGitScriptRepo({ url: `${silent.url}/scripts.git`, cacheDir, clock, timeoutSeconds: 0.2 }).readAtHead(SQL));
      expect(e).toBeInstanceOf(TransientError);
      expect(e.message).toContain(`cannot reach the scripts remote ${silent.url}/scripts.git`);
    } finally {
      await silent.close();
    }
  });

  it('says what to do when the remote has no commits', async () => {
    git(remotes, 'init', '-q', '--bare', 'empty.git');
    await serve();
    const e = await errorOf(repo({ url: `${server!.url}/empty.git` }).readAtHead(SQL));
    expect(e).toBeInstanceOf(StateError);
    expect(e.message).toBe(`the scripts remote ${server!.url}/empty.git has no commits (no default branch): push your scripts to it, or configure the branch to read`);
  });

  it('refuses plain http to another host, so a token never crosses a network in clear', () => {
    expect(() => new RemoteGitScriptRepo({ url: 'http://git.example.com/scripts.git', cacheDir })).toThrow(ValidationError);
    expect(() => new RemoteGitScriptRepo({ url: 'file:///srv/scripts.git', cacheDir })).toThrow(ValidationError);
    expect(new RemoteGitScriptRepo({ url: 'https://u:p@git.example.com/team/scripts.git', cacheDir }).url).toBe('https://git.example.com/team/scripts.git');
  });
});
