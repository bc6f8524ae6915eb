import { EnvironmentError } from './errors.js';

/** A system error as Node and better-sqlite3 raise them: only the fields read here. */
interface SystemErrorLike {
  readonly code?: unknown;
  readonly syscall?: unknown;
  readonly path?: unknown;
}

/** The causes that are the machine's, not adp's: what each means and what to do about it. */
const CAUSES: Readonly<Record<string, { readonly what: string; readonly todo: string }>> = {
  EACCES: { what: 'permission denied', todo: 'run adp as a user who may write there, or pick a home you own (--home)' },
  EPERM: { what: 'operation not permitted', todo: 'run adp as a user who may write there, or pick a home you own (--home)' },
  EROFS: { what: 'the file system is read-only', todo: 'pick a home on a writable file system (--home); read commands still work on a read-only home' },
  ENOTDIR: { what: 'a part of the path is a file, not a folder', todo: '--home (or ADP_HOME) must name a folder' },
  ENOSPC: { what: 'no space left on the device', todo: 'free some space, then try again' },
  EDQUOT: { what: 'disk quota exceeded', todo: 'free some space or raise the quota, then try again' },
  EMFILE: { what: 'too many open files', todo: 'raise the open-file limit (ulimit -n), then try again' },
};

const VERBS: Readonly<Record<string, string>> = {
  mkdir: 'create the folder',
  open: 'open',
  rename: 'rename',
  write: 'write',
  unlink: 'remove',
  rmdir: 'remove the folder',
  copyfile: 'copy',
  link: 'link',
  scandir: 'list',
};

/**
 * The {@link EnvironmentError} a file-system failure stands for, or
 * undefined when `e` is something else (then it is a bug, reported as one).
 * Without this, a read-only folder or a `--home` that is a file reads as an
 * "internal error", which sends people to file a bug instead of fixing a mode.
 */
export function environmentErrorOf(e: unknown): EnvironmentError | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const { code, syscall, path } = e as SystemErrorLike;
  if (typeof code !== 'string') return undefined;
  if (code.startsWith('SQLITE_READONLY')) {
    return new EnvironmentError(
      'the state database is read-only for this user: commands that change state need write access to state.db and its folder (read commands such as curation list, history and catalog work without it)',
      { cause: e },
    );
  }
  if (code === 'SQLITE_FULL') return new EnvironmentError(`the state database cannot grow: ${CAUSES.ENOSPC!.what}; ${CAUSES.ENOSPC!.todo}`, { cause: e });
  const cause = CAUSES[code];
  if (!cause) return undefined;
  const verb = (typeof syscall === 'string' && VERBS[syscall]) || 'use';
  const target = typeof path === 'string' ? ` '${path}'` : '';
  return new EnvironmentError(`cannot ${verb}${target}: ${cause.what} (${code}); ${cause.todo}`, { cause: e });
}
