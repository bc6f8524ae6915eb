import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/** Matches the hidden names {@link stagingPathFor} makes, so listings can skip them. */
export const STAGING_NAME = /^\..+\.[0-9a-f]{12}\.staging$/;

/**
 * A hidden sibling of `file` to write into before renaming onto `file`.
 * It sits in the same folder so the rename never crosses filesystems
 * (a cross-device rename is a copy, and a copy is not atomic).
 */
export function stagingPathFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.staging`);
}

/**
 * Writes `data` to `file` so that readers see either the old file or the
 * whole new one: write a staging sibling, fsync it, rename it into place.
 * The staging file is removed if any step fails. Returns the bytes written.
 *
 * @example await writeFileAtomic('/home/adp/catalog.json', JSON.stringify(doc, null, 2) + '\n')
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<number> {
  return replaceVia(file, async (staging) => {
    const handle = await fs.open(staging, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
      return (await handle.stat()).size;
    } finally {
      await handle.close();
    }
  });
}

/**
 * Puts a second name on `source` at `file` atomically: a hard link staged
 * beside `file` and renamed into place, so no bytes are copied. Falls back to
 * a copy where links are impossible (another file system). Published files
 * are replaced by rename, never written in place, so the shared inode never
 * changes under the other name. Returns the size.
 */
export async function linkFileAtomic(source: string, file: string): Promise<number> {
  return replaceVia(file, async (staging) => {
    try {
      await fs.link(source, staging);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'EMLINK') throw e;
      // COPYFILE_EXCL: a staging name is random; never clobber something already there.
      await fs.copyFile(source, staging, fs.constants.COPYFILE_EXCL);
    }
    return (await fs.stat(staging)).size;
  });
}

/**
 * Puts a second name on `source` at `file` only if nothing is at `file`:
 * link(2) creates the name or fails with EEXIST in one step, so of several
 * callers racing for one name exactly one wins, and the file appears whole.
 * Returns the size when `file` now names `source`: newly linked, or already
 * the same file (a call interrupted after its link, repeated). Returns
 * `undefined` when another file holds the name; nothing is changed then.
 * Where links are impossible (another file system) a complete, fsynced copy
 * staged beside `file` is linked instead; a repeated call then cannot tell
 * its own earlier copy from another file and returns `undefined`.
 *
 * @example if ((await linkFileIfAbsent(raw, published)) === undefined) // taken: pick another name
 */
export async function linkFileIfAbsent(source: string, file: string): Promise<number | undefined> {
  try {
    await fs.link(source, file);
    return (await fs.stat(source)).size;
  } catch (e) {
    const code = errnoOf(e);
    if (code === 'EEXIST') return sameFileSize(source, file);
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'EMLINK') throw e;
  }
  const staging = stagingPathFor(file);
  try {
    await fs.copyFile(source, staging, fs.constants.COPYFILE_EXCL);
    const handle = await fs.open(staging, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await fs.link(staging, file);
    } catch (e) {
      if (errnoOf(e) === 'EEXIST') return undefined;
      throw e;
    }
    return (await fs.stat(staging)).size;
  } finally {
    await fs.rm(staging, { force: true });
  }
}

/** The size of `source` if `file` is the same file (same inode on the same device), else undefined. */
async function sameFileSize(source: string, file: string): Promise<number | undefined> {
  const [a, b] = await Promise.all([fs.stat(source), fs.lstat(file).catch(() => undefined)]);
  return b && a.dev === b.dev && a.ino === b.ino ? a.size : undefined;
}

function errnoOf(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code;
}

async function replaceVia(file: string, fill: (staging: string) => Promise<number>): Promise<number> {
  const staging = stagingPathFor(file);
  try {
    const size = await fill(staging);
    // rename(2) replaces the target in one step; that is the atomicity readers rely on.
    await fs.rename(staging, file);
    return size;
  } catch (e) {
    await fs.rm(staging, { force: true });
    throw e;
  }
}
