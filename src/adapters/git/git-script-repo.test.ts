import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError, StateError, ValidationError } from '../../domain/errors.js';
import { GitScriptRepo } from './git-script-repo.js';

let tmp: string;
let dir: string;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'adp-'));
  dir = path.join(tmp, 'scripts');
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_')));

/** Plain git, as a user at a terminal would run it. */
function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-C', cwd, ...args], { env: cleanEnv, encoding: 'utf8' }).trim();
}

const SQL = 'wildrydes/rydebooking-curation.sql';

async function errorOf(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => expect.fail('expected a rejection'),
    (e: Error) => e,
  );
}

/** A git wrapper that logs each invocation, to count the processes a read starts. */
function countingGit(): { bin: string; calls: () => string[] } {
  const log = path.join(tmp, 'git-calls.log');
  const bin = path.join(tmp, 'git-counting.sh');
  fs.writeFileSync(bin, `#!/bin/sh\necho "$*" >> '${log}'\nexec git "$@"\n`, { mode: 0o755 });
  return { bin, calls: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : []) };
}

describe('GitScriptRepo', () => {
  it('init makes a repository on main with a local identity that can commit', async () => {
    const repo = await GitScriptRepo.init(dir);
    expect(git(dir, 'symbolic-ref', 'HEAD')).toBe('refs/heads/main');
    expect(git(dir, 'config', '--local', 'user.name')).toBe('adp');
    expect(git(dir, 'config', '--local', 'user.email')).toBe('adp@localhost');
    const commit = await repo.commitFile(SQL, 'select * from wildrydes.rydebookings;', 'Add the sample curation');
    expect(commit).toBe(git(dir, 'rev-parse', 'HEAD'));
    expect(git(dir, 'log', '-1', '--format=%an <%ae> %s')).toBe('adp <adp@localhost> Add the sample curation');
    expect(await repo.readAtHead(SQL)).toEqual({ path: SQL, text: 'select * from wildrydes.rydebookings;', commitId: commit });
    expect(await repo.branch()).toBe('main');
  });

  it('init opens an existing repository without touching it', async () => {
    const first = await GitScriptRepo.init(dir);
    const commit = await first.commitFile('a.sql', 'select 1', 'one');
    git(dir, 'config', 'user.name', 'Someone');
    const again = await GitScriptRepo.init(dir);
    expect(git(dir, 'config', '--local', 'user.name')).toBe('Someone');
    expect((await again.readAtHead('a.sql')).commitId).toBe(commit);
  });

  it('commitFile returns the current commit when the text is already committed', async () => {
    const repo = await GitScriptRepo.init(dir);
    const c1 = await repo.commitFile('a/b/c.sql', 'select 1', 'one');
    expect(await repo.commitFile('a/b/c.sql', 'select 1', 'again')).toBe(c1);
    expect(git(dir, 'rev-list', '--count', 'HEAD')).toBe('1');
  });

  it('reads a script at the head and at older commits, by full or short id', async () => {
    const repo = await GitScriptRepo.init(dir);
    const c1 = await repo.commitFile(SQL, 'select 1', 'v1');
    const c2 = await repo.commitFile(SQL, 'select 2', 'v2');
    expect(await repo.readAtHead(SQL)).toEqual({ path: SQL, text: 'select 2', commitId: c2 });
    expect(await repo.readAt(SQL, c1)).toEqual({ path: SQL, text: 'select 1', commitId: c1 });
    expect(await repo.readAt(SQL, c1.slice(0, 7).toUpperCase())).toEqual({ path: SQL, text: 'select 1', commitId: c1 });
  });

  it('sees a new commit at once and never serves the cached text of the old one', async () => {
    const repo = await GitScriptRepo.init(dir);
    await repo.commitFile(SQL, 'select 1', 'v1');
    expect((await repo.readAtHead(SQL)).text).toBe('select 1');
    fs.writeFileSync(path.join(dir, SQL), 'select 2');
    git(dir, 'commit', '-qam', 'v2 from a terminal');
    expect((await repo.readAtHead(SQL)).text).toBe('select 2');
    git(dir, 'reset', '-q', '--hard', 'HEAD~1');
    expect((await repo.readAtHead(SQL)).text).toBe('select 1');
  });

  it('does not see edits that are not committed, staged or not', async () => {
    const repo = await GitScriptRepo.init(dir);
    await repo.commitFile(SQL, 'select 1', 'v1');
    fs.writeFileSync(path.join(dir, SQL), 'select 2');
    expect((await repo.readAtHead(SQL)).text).toBe('select 1');
    git(dir, 'add', SQL);
    expect((await repo.readAtHead(SQL)).text).toBe('select 1');
    fs.writeFileSync(path.join(dir, 'new.sql'), 'select 3');
    await expect(repo.readAtHead('new.sql')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('reports a script missing at the head with the branch, commit and what to do', async () => {
    const repo = await GitScriptRepo.init(dir);
    const c1 = await repo.commitFile(SQL, 'select 1', 'v1');
    const e = await errorOf(repo.readAtHead('wildrydes/other.sql'));
    expect(e).toBeInstanceOf(NotFoundError);
    expect(e.message).toBe(`script 'wildrydes/other.sql' not found: not in main at ${c1.slice(0, 7)}: commit it to the scripts repository`);
    // Absence at a commit is permanent too, and is still reported from the cache.
    await expect(repo.readAtHead('wildrydes/other.sql')).rejects.toBeInstanceOf(NotFoundError);
    expect((await errorOf(repo.readAtHead('wildrydes'))).message).toContain('is a folder');
    expect((await errorOf(repo.readAt('wildrydes/other.sql', c1))).message).toContain(`not in commit ${c1.slice(0, 7)}`);
  });

  it('refuses paths that leave the repository, naming sqlFilePath', async () => {
    const repo = await GitScriptRepo.init(dir);
    await repo.commitFile(SQL, 'select 1', 'v1');
    fs.writeFileSync(path.join(tmp, 'secret.sql'), 'secret');
    for (const bad of ['../secret.sql', '/etc/passwd', 'a/../../secret.sql', './x.sql', '', 'a//b.sql', 'a\\b.sql', 'a\nb.sql']) {
      const e = await errorOf(repo.readAtHead(bad));
      expect(e, JSON.stringify(bad)).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).issues[0]?.path).toBe('sqlFilePath');
      await expect(repo.readAt(bad, 'abcdef1'), JSON.stringify(bad)).rejects.toBeInstanceOf(ValidationError);
      await expect(repo.commitFile(bad, 'x', 'm'), JSON.stringify(bad)).rejects.toBeInstanceOf(ValidationError);
    }
    expect(fs.readdirSync(tmp).sort()).toEqual(['scripts', 'secret.sql']);
  });

  it('reads packed refs after git gc, then loose refs again after a new commit', async () => {
    const repo = await GitScriptRepo.init(dir);
    await repo.commitFile(SQL, 'select 1', 'v1');
    git(dir, 'gc', '-q');
    expect(fs.existsSync(path.join(dir, '.git/refs/heads/main'))).toBe(false);
    expect(fs.readFileSync(path.join(dir, '.git/packed-refs'), 'utf8')).toContain('refs/heads/main');
    const { bin, calls } = countingGit();
    const fresh = new GitScriptRepo({ dir, git: bin });
    expect((await fresh.readAtHead(SQL)).text).toBe('select 1');
    expect(calls().map((c) => c.split(' ').slice(2, 4).join(' '))).toEqual(['cat-file --batch']);
    await repo.commitFile(SQL, 'select 2', 'v2');
    expect((await fresh.readAtHead(SQL)).text).toBe('select 2');
  });

  it('starts no git process for a warm read, and one after a new commit', async () => {
    const repo = await GitScriptRepo.init(dir);
    await repo.commitFile(SQL, 'select 1', 'v1');
    const { bin, calls } = countingGit();
    const counted = new GitScriptRepo({ dir, git: bin });
    await counted.readAtHead(SQL);
    expect(calls()).toHaveLength(1);
    for (let i = 0; i < 50; i++) await counted.readAtHead(SQL);
    expect(calls()).toHaveLength(1);
    await repo.commitFile(SQL, 'select 2', 'v2');
    expect((await counted.readAtHead(SQL)).text).toBe('select 2');
    expect(calls()).toHaveLength(2);
  });

  it('keeps only the configured number of texts in memory', async () => {
    const repo = await GitScriptRepo.init(dir);
    for (const n of [1, 2, 3]) await repo.commitFile(`s${n}.sql`, `select ${n}`, `s${n}`);
    const { bin, calls } = countingGit();
    const small = new GitScriptRepo({ dir, git: bin, cacheEntries: 2 });
    for (const n of [1, 2, 3, 3, 1]) await small.readAtHead(`s${n}.sql`);
    expect(calls()).toHaveLength(4);
  });

  it('with textsDir, a new instance (another process) reads a text read before without git, and a new commit with git', async () => {
    const repo = await GitScriptRepo.init(dir);
    const c1 = await repo.commitFile(SQL, 'select 1', 'v1');
    const textsDir = path.join(tmp, 'texts');
    const { bin, calls } = countingGit();
    await new GitScriptRepo({ dir, git: bin, textsDir }).readAtHead(SQL);
    expect(calls()).toHaveLength(1);
    // A git that cannot start: the text comes from the file alone.
    const noGit = new GitScriptRepo({ dir, git: path.join(tmp, 'no-such-git'), textsDir });
    expect(await noGit.readAtHead(SQL)).toEqual({ path: SQL, text: 'select 1', commitId: c1 });
    expect(await noGit.readAt(SQL, c1)).toEqual({ path: SQL, text: 'select 1', commitId: c1 });
    const c2 = await repo.commitFile(SQL, 'select 2', 'v2');
    expect(await new GitScriptRepo({ dir, git: bin, textsDir }).readAtHead(SQL)).toEqual({ path: SQL, text: 'select 2', commitId: c2 });
    expect(calls()).toHaveLength(2);
    // Missing scripts are not kept: committing one later is seen.
    await expect(new GitScriptRepo({ dir, textsDir }).readAtHead('later.sql')).rejects.toBeInstanceOf(NotFoundError);
    const c3 = await repo.commitFile('later.sql', 'select 3', 'v3');
    expect((await new GitScriptRepo({ dir, textsDir }).readAtHead('later.sql')).commitId).toBe(c3);
  });

  it('with textsDir, a damaged or foreign file is read again with git and rewritten', async () => {
    const repo = await GitScriptRepo.init(dir);
    const c1 = await repo.commitFile(SQL, 'select 1', 'v1');
    const textsDir = path.join(tmp, 'texts');
    await new GitScriptRepo({ dir, textsDir }).readAtHead(SQL);
    const [file] = fs.readdirSync(path.join(textsDir, c1)).map((f) => path.join(textsDir, c1, f));
    for (const damaged of ['{"path": "wildrydes/rydebooking-cur', JSON.stringify({ path: 'other.sql', text: 'drop everything' })]) {
      fs.writeFileSync(file!, damaged);
      const { bin, calls } = countingGit();
      expect((await new GitScriptRepo({ dir, git: bin, textsDir }).readAtHead(SQL)).text).toBe('select 1');
      expect(calls()).toHaveLength(1);
      expect(JSON.parse(fs.readFileSync(file!, 'utf8'))).toEqual({ path: SQL, text: 'select 1' });
      fs.rmSync(path.join(tmp, 'git-calls.log'));
    }
  });

  it('with textsDir, keeps the texts of the 32 commits written last', async () => {
    const repo = await GitScriptRepo.init(dir);
    const textsDir = path.join(tmp, 'texts');
    const reader = new GitScriptRepo({ dir, textsDir, cacheEntries: 1 });
    const commits: string[] = [];
    for (let n = 0; n < 40; n++) {
      commits.push(await repo.commitFile(SQL, `select ${n}`, `v${n}`));
      await reader.readAtHead(SQL);
      // Folder times are what the pruning orders by: make them distinct however fast the machine.
      fs.utimesSync(path.join(textsDir, commits.at(-1)!), n + 1, n + 1);
    }
    expect(fs.readdirSync(textsDir).sort()).toEqual(commits.slice(-32).sort());
  });

  it('with textsDir in a folder it cannot write, reads with git as without one', async () => {
    const repo = await GitScriptRepo.init(dir);
    await repo.commitFile(SQL, 'select 1', 'v1');
    const blocked = path.join(tmp, 'a-file');
    fs.writeFileSync(blocked, '');
    expect((await new GitScriptRepo({ dir, textsDir: path.join(blocked, 'texts') }).readAtHead(SQL)).text).toBe('select 1');
  });

  it('reads a configured branch, not the checked-out one', async () => {
    const repo = await GitScriptRepo.init(dir);
    const c1 = await repo.commitFile(SQL, 'select 1', 'v1');
    git(dir, 'branch', 'release/prod');
    await repo.commitFile(SQL, 'select 2', 'v2');
    const prod = new GitScriptRepo({ dir, branch: 'release/prod' });
    expect(await prod.readAtHead(SQL)).toEqual({ path: SQL, text: 'select 1', commitId: c1 });
    expect(() => new GitScriptRepo({ dir, branch: '../../config' })).toThrow(ValidationError);
    expect(() => new GitScriptRepo({ dir, branch: '-x' })).toThrow(ValidationError);
  });

  it('reads through a linked worktree, whose .git is a file', async () => {
    const repo = await GitScriptRepo.init(dir);
    await repo.commitFile(SQL, 'select 1', 'v1');
    const wt = path.join(tmp, 'wt');
    git(dir, 'worktree', 'add', '-q', '-b', 'feature', wt);
    fs.writeFileSync(path.join(wt, SQL), 'select 9');
    git(wt, 'commit', '-qam', 'on feature');
    expect((await new GitScriptRepo({ dir: wt }).readAtHead(SQL)).text).toBe('select 9');
    expect((await new GitScriptRepo({ dir: wt, branch: 'main' }).readAtHead(SQL)).text).toBe('select 1');
  });

  it('says what to do when the repository is missing, empty or detached', async () => {
    let e = await errorOf(new GitScriptRepo({ dir }).readAtHead(SQL));
    expect(e).toBeInstanceOf(StateError);
    expect(e.message).toContain(`no scripts repository at ${dir}`);

    // A plain folder inside another repository is not that repository.
    git(tmp, 'init', '-q');
    fs.mkdirSync(dir);
    e = await errorOf(new GitScriptRepo({ dir }).readAtHead(SQL));
    expect(e).toBeInstanceOf(StateError);
    expect(e.message).toContain('no scripts repository');

    fs.rmSync(path.join(tmp, '.git'), { recursive: true });
    const repo = await GitScriptRepo.init(dir);
    e = await errorOf(repo.readAtHead(SQL));
    expect(e).toBeInstanceOf(StateError);
    expect(e.message).toContain("branch 'main' of the scripts repository");
    expect(e.message).toContain('has no commits');

    const c1 = await repo.commitFile(SQL, 'select 1', 'v1');
    git(dir, 'checkout', '-q', '--detach');
    e = await errorOf(new GitScriptRepo({ dir }).readAtHead(SQL));
    expect(e).toBeInstanceOf(StateError);
    expect(e.message).toContain('detached HEAD');
    expect((await new GitScriptRepo({ dir, branch: 'main' }).readAtHead(SQL)).commitId).toBe(c1);
  });

  it('refuses bad commit ids and reports unknown commits as NotFoundError', async () => {
    const repo = await GitScriptRepo.init(dir);
    await repo.commitFile(SQL, 'select 1', 'v1');
    const bad = await errorOf(repo.readAt(SQL, 'HEAD~1'));
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).issues[0]?.path).toBe('commitId');
    const unknown = await errorOf(repo.readAt(SQL, 'deadbeef'.repeat(5)));
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect((unknown as NotFoundError).kind).toBe('commit');
  });

  it('reports a missing git binary as a StateError', async () => {
    const repo = await GitScriptRepo.init(dir);
    await repo.commitFile(SQL, 'select 1', 'v1');
    const e = await errorOf(new GitScriptRepo({ dir, git: path.join(tmp, 'no-such-git') }).readAtHead(SQL));
    expect(e).toBeInstanceOf(StateError);
    expect(e.message).toContain('git was not found');
  });
});
