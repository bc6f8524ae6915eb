import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, tempDir } from '../../../test/helpers/cli.js';
import { processStagingDir } from './process-staging.js';

describe('per-process staging folders', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach(cleanup));

  it('removes the folders of processes that are gone, keeps live ones, and releases its own', async () => {
    const root = tempDir();
    dirs.push(root);
    const deadPid = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    fs.mkdirSync(path.join(root, `p${deadPid}`));
    fs.writeFileSync(path.join(root, `p${deadPid}`, 'partial.csv'), 'a,b\n1,');
    fs.mkdirSync(path.join(root, `p${process.ppid}`));
    fs.mkdirSync(path.join(root, 'not-a-process'));

    const mine = await processStagingDir(root);
    expect(mine.dir).toBe(path.join(root, `p${process.pid}`));
    expect(fs.readdirSync(root).sort()).toEqual(['not-a-process', `p${process.pid}`, `p${process.ppid}`].sort());
    await mine.release();
    expect(fs.existsSync(mine.dir)).toBe(false);
  });
});
