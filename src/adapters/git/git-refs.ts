import fs from 'node:fs/promises';
import path from 'node:path';
import { runGit } from './git-exec.js';

/** Where a repository keeps its files: `gitDir` holds HEAD, `commonDir` the refs shared by all worktrees. */
export interface GitLayout {
  readonly gitDir: string;
  readonly commonDir: string;
  /** False when refs are not plain files (reftable): every lookup then asks git. */
  readonly fileRefs: boolean;
}

const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * The git folders of the repository at `dir` (its own, never a parent's), or
 * undefined when `dir` is not a repository. `<dir>/.git` as a folder is the
 * common case and costs one stat; worktrees, submodules and bare
 * repositories are asked of git.
 */
export async function locateRepository(dir: string, git?: string): Promise<GitLayout | undefined> {
  const dotGit = path.join(dir, '.git');
  let layout: { gitDir: string; commonDir: string } | undefined;
  if (await isDirectory(dotGit)) {
    layout = { gitDir: dotGit, commonDir: dotGit };
  } else {
    const r = await runGit(dir, ['rev-parse', '--absolute-git-dir', '--git-common-dir'], { git });
    if (r.code !== 0) return undefined;
    const [gitDir, commonDir] = r.stdout.toString('utf8').trim().split('\n');
    if (!gitDir || !commonDir) return undefined;
    layout = { gitDir, commonDir: path.resolve(dir, commonDir) };
  }
  return { ...layout, fileRefs: !(await isDirectory(path.join(layout.commonDir, 'reftable'))) };
}

/**
 * The commit `refs/heads/<branch>` points to, read from the ref files
 * (a loose ref, else `packed-refs`) without starting git. Undefined when the
 * files do not say for sure; the caller then asks git.
 */
export async function readBranchFromFiles(layout: GitLayout, branch: string): Promise<string | undefined> {
  if (!layout.fileRefs) return undefined;
  const loose = await readIfPresent(path.join(layout.commonDir, 'refs', 'heads', ...branch.split('/')));
  if (loose !== undefined) {
    const id = loose.trim();
    return OBJECT_ID.test(id) ? id : undefined;
  }
  const packed = await readIfPresent(path.join(layout.commonDir, 'packed-refs'));
  if (packed === undefined) return undefined;
  const suffix = ` refs/heads/${branch}`;
  for (const line of packed.split('\n')) {
    if (line.endsWith(suffix) && line.length === line.indexOf(' ') + suffix.length) {
      const id = line.slice(0, line.indexOf(' '));
      return OBJECT_ID.test(id) ? id : undefined;
    }
  }
  return undefined;
}

/** The branch HEAD names, read from `HEAD`; undefined if HEAD is detached or the file is not plain. */
export async function readHeadBranchFromFiles(layout: GitLayout): Promise<string | undefined> {
  if (!layout.fileRefs) return undefined;
  const head = await readIfPresent(path.join(layout.gitDir, 'HEAD'));
  const m = /^ref: refs\/heads\/(\S+)\s*$/.exec(head ?? '');
  return m?.[1];
}

/**
 * Whether `name` is a branch name git accepts (the rules of
 * `git check-ref-format --branch`), so it can never point a ref-file read elsewhere.
 */
export function isValidBranchName(name: string): boolean {
  if (name === '' || name === '@' || name.startsWith('-') || name.endsWith('/') || name.endsWith('.')) return false;
  if (name.includes('..') || name.includes('//') || name.includes('@{')) return false;
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name)) return false;
  return name.split('/').every((seg) => seg !== '' && !seg.startsWith('.') && !seg.endsWith('.lock'));
}

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
    throw e;
  }
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isDirectory();
  } catch {
    return false;
  }
}
