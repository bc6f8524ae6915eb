import fs from 'node:fs/promises';
import path from 'node:path';
import { stagingPathFor } from './atomic-file.js';

/** Files under `dir`, as `/`-separated paths relative to it, sorted. */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (at: string, rel: string): Promise<void> => {
    for (const entry of await fs.readdir(at, { withFileTypes: true })) {
      if (entry.isDirectory()) await walk(path.join(at, entry.name), `${rel}${entry.name}/`);
      else if (entry.isFile()) out.push(`${rel}${entry.name}`);
    }
  };
  await walk(dir, '');
  return out.sort();
}

/** A copy of `source` at `dest` (which must not exist) made of hard links, or copies where links are impossible. */
async function linkTree(source: string, dest: string): Promise<void> {
  for (const rel of await filesUnder(source)) {
    const to = path.join(dest, rel);
    await fs.mkdir(path.dirname(to), { recursive: true });
    try {
      await fs.link(path.join(source, rel), to);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'EMLINK') throw e;
      await fs.copyFile(path.join(source, rel), to, fs.constants.COPYFILE_EXCL);
    }
  }
  await fs.mkdir(dest, { recursive: true });
}

/** rename(2) of a folder onto `target`: succeeds if `target` is absent or an empty folder; false if a non-empty one is there. */
async function renameIfAbsent(from: string, target: string): Promise<boolean> {
  try {
    await fs.rename(from, target);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR') return false;
    throw e;
  }
}

/**
 * Puts the folder `source` at `target` in one rename, so a reader sees the
 * whole folder or nothing. `move`: the source folder itself is renamed (no
 * staging needed; a crash leaves it where it was); otherwise a linked copy is
 * staged in a hidden sibling of `target` first. `ifAbsent`: returns false,
 * changing nothing, when a non-empty folder is at `target`. Otherwise an old
 * folder is renamed to a hidden sibling, the new one renamed into place and
 * the old one removed: for that instant nothing is at `target`, never a mix.
 *
 * @example if (!(await renameFolderIntoPlace(staged, published, { move: true, ifAbsent: true }))) // taken
 */
export async function renameFolderIntoPlace(
  source: string,
  target: string,
  options: { move?: boolean; ifAbsent?: boolean },
): Promise<boolean> {
  await fs.mkdir(path.dirname(target), { recursive: true });
  let from = source;
  const sameDevice = (await fs.stat(source)).dev === (await fs.stat(path.dirname(target))).dev;
  if (!options.move || !sameDevice) {
    from = stagingPathFor(target);
    await linkTree(source, from);
  }
  try {
    if (await renameIfAbsent(from, target)) return true;
    if (options.ifAbsent) return false;
    const old = stagingPathFor(target);
    await fs.rename(target, old);
    await fs.rename(from, target);
    await fs.rm(old, { recursive: true, force: true });
    return true;
  } finally {
    if (from !== source) await fs.rm(from, { recursive: true, force: true });
  }
}
