import { StateError } from '../../domain/errors.js';
import { gitOk } from './git-exec.js';

/** One answer of `git cat-file --batch`: the object, or why there is none. */
export type CatFileEntry =
  | { readonly found: true; readonly id: string; readonly type: string; readonly content: Buffer }
  | { readonly found: false; readonly reason: 'missing' | 'ambiguous' };

/**
 * Looks up several object names (`<commit>^{commit}`, `<commit>:<path>`) with
 * one git process. Names must not contain a newline: the protocol is line based.
 */
export async function catFileBatch(dir: string, names: readonly string[], git?: string): Promise<CatFileEntry[]> {
  if (names.some((n) => n.includes('\n') || n.includes('\r'))) {
    throw new StateError('object names given to git cat-file must not contain line breaks');
  }
  const out = await gitOk(dir, ['cat-file', '--batch'], { git, input: names.map((n) => `${n}\n`).join('') });
  return parseBatchOutput(out, names.length);
}

/** Parses `<id> <type> <size>\n<content>\n` and `<name> missing|ambiguous\n` answers. */
export function parseBatchOutput(out: Buffer, expected: number): CatFileEntry[] {
  const entries: CatFileEntry[] = [];
  let at = 0;
  while (entries.length < expected) {
    const eol = out.indexOf(0x0a, at);
    if (eol < 0) throw new StateError(`git cat-file gave ${entries.length} of ${expected} answers`);
    const header = out.toString('utf8', at, eol);
    if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
      entries.push({ found: false, reason: header.endsWith(' missing') ? 'missing' : 'ambiguous' });
      at = eol + 1;
      continue;
    }
    const [id, type, size] = header.split(' ');
    const length = Number(size);
    if (!id || !type || !Number.isSafeInteger(length)) throw new StateError(`git cat-file gave an unexpected line: ${header}`);
    entries.push({ found: true, id, type, content: out.subarray(eol + 1, eol + 1 + length) });
    at = eol + 1 + length + 1;
  }
  return entries;
}
