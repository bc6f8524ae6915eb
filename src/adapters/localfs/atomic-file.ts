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
 * Moves `source` onto `file` atomically: one rename when both are on the same
 * file system, else a staged copy renamed into place and the source removed.
 * Returns the size.
 */
export async function moveFileAtomic(source: string, file: string): Promise<number> {
  const { size } = await fs.stat(source);
  try {
    await fs.rename(source, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    await replaceVia(file, async (staging) => {
      await fs.copyFile(source, staging, fs.constants.COPYFILE_EXCL);
      return size;
    });
    await fs.rm(source, { force: true });
  }
  return size;
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
