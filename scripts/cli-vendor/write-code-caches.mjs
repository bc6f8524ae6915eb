// Writes the V8 code caches of dist/cli/vendor/ by running the built CLI as a user would (init, a curation, a run
// with --wait) on a throw-away home: each bundle's cache then holds the functions those commands compile, not
// only its top level. Plain `node` processes with no flags, as `adp` runs: V8 accepts a cache only from the same
// binary and flags (and a refused one only costs a parse; see vendor-loader.cjs).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function writeCodeCaches(bin) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'adp-code-cache-'));
  const env = { ...process.env, ADP_WRITE_CODE_CACHE: '1', NODE_OPTIONS: '' };
  const adp = (...args) => execFileSync(process.execPath, [bin, '--home', home, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const git = (...args) => execFileSync('git', ['-C', path.join(home, 'scripts'), '-c', 'user.name=adp', '-c', 'user.email=adp@localhost', ...args], { stdio: 'ignore' });
  try {
    adp('init');
    fs.writeFileSync(path.join(home, 'scripts', 'one.sql'), 'select 1 as one\n');
    git('add', 'one.sql');
    git('commit', '-qm', 'one');
    fs.mkdirSync(path.join(home, 'buckets', 'data', 't'), { recursive: true });
    fs.mkdirSync(path.join(home, 'buckets', 'out'), { recursive: true });
    fs.writeFileSync(path.join(home, 'buckets', 'data', 't', 'x.csv'), 'a\n1\n');
    adp('catalog', 'add', 'lake.t', '--location', 'data/t', '--format', 'csv');
    const definition = path.join(home, 'one.json');
    fs.writeFileSync(
      definition,
      JSON.stringify({
        curationType: 'one',
        sqlFilePath: 'one.sql',
        cronExpression: 'rate(1 hour)',
        glueDetails: { database: 'lake' },
        outputDetails: { outputBucket: 'out', outputFolderPath: 'one/', filename: 'one' },
      }),
    );
    adp('curation', 'put', definition);
    // Last, so its caches are the ones kept: the command the caches are for.
    adp('run', 'one', '--wait');
  } catch (e) {
    throw new Error(`writing the CLI's code caches failed: ${e.stderr ? String(e.stderr).trim() : e.message}`);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}
