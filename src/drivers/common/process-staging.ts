import fs from 'node:fs/promises';
import path from 'node:path';

/** Whether a process with this id still exists on this machine. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A staging folder of this process's own under `root`. Query results are
 * written there before they are published; a process killed mid-query leaves
 * its partial file behind, so folders of processes that no longer exist are
 * removed here first. Folders of live processes are never touched.
 */
export async function processStagingDir(root: string): Promise<{ dir: string; release(): Promise<void> }> {
  await fs.mkdir(root, { recursive: true });
  for (const entry of await fs.readdir(root, { withFileTypes: true })) {
    const pid = /^p(\d+)$/.exec(entry.name)?.[1];
    if (entry.isDirectory() && pid !== undefined && Number(pid) !== process.pid && !alive(Number(pid))) {
      await fs.rm(path.join(root, entry.name), { recursive: true, force: true });
    }
  }
  const dir = path.join(root, `p${process.pid}`);
  await fs.mkdir(dir, { recursive: true });
  return { dir, release: () => fs.rm(dir, { recursive: true, force: true }) };
}
