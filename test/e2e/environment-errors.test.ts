import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/adapters/sqlite/migrate.js';
import { MIGRATIONS } from '../../src/adapters/sqlite/migrations.js';
import { cleanup, exampleHome, tempDir } from '../helpers/cli.js';
import { runAdpProcess } from '../helpers/serve-process.js';

// Real `adp` processes. Tests run as root, whom no file mode stops, so the
// read-only cases run adp as the unprivileged user `nobody` through setpriv
// over folders owned by root without write permission.

const NOBODY = { uid: 65534, gid: 65534 };
const canDropPrivileges = process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0;

/** Every file under `dir` with its size and SHA-256: equal snapshots mean nothing was written. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (entry.isFile()) out[path.relative(dir, file)] = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    else if (entry.isDirectory()) out[`${path.relative(dir, file)}/`] = 'dir';
  }
  return out;
}

/** Takes write permission away from everyone but root, keeping everything readable. */
function makeReadOnly(dir: string): void {
  fs.chmodSync(dir, 0o555);
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    fs.chmodSync(path.join(entry.parentPath, entry.name), entry.isDirectory() ? 0o555 : 0o444);
  }
}

function expectEnvironmentError(r: { code: number | string; stderr: string }, cause: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toMatch(cause);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
}

describe('environment errors: exit 2 naming the cause (real processes)', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach(cleanup));

  it('--home that is a file (ENOTDIR) exits 2 naming it, for commands and init alike, and leaves the file alone', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = path.join(dir, 'not-a-folder');
    fs.writeFileSync(file, 'keep me\n');

    expectEnvironmentError(await runAdpProcess(['--home', file, 'curation', 'list']), new RegExp(`the project home '${file}' is a file, not a folder: point --home`));
    expectEnvironmentError(await runAdpProcess(['--home', file, 'init']), /is a file, not a folder/);
    expectEnvironmentError(await runAdpProcess(['--home', path.join(file, 'sub'), 'init']), new RegExp(`cannot create the folder '${file}/sub': a part of the path is a file, not a folder \\(ENOTDIR\\)`));
    expect(fs.readFileSync(file, 'utf8')).toBe('keep me\n');
    expect(fs.readdirSync(dir)).toEqual(['not-a-folder']);
  });

  it.skipIf(!canDropPrivileges)('init under a folder the user may not write (EACCES, run as user nobody) exits 2 naming the folder; nothing is created', async () => {
    const parent = tempDir();
    dirs.push(parent);
    fs.chmodSync(parent, 0o555);

    const r = await runAdpProcess(['--home', path.join(parent, 'lake'), 'init', '--example', 'wildrydes', '--rows', '10'], { asUser: NOBODY });

    expectEnvironmentError(r, new RegExp(`cannot create the folder '${parent}/lake': permission denied \\(EACCES\\); run adp as a user who may write there`));
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  describe.skipIf(!canDropPrivileges)('a read-only home (owned by root, no write permission, read as user nobody)', () => {
    let home: string;
    let before: Record<string, string>;

    beforeAll(async () => {
      home = await exampleHome(20);
      dirs.push(home);
      makeReadOnly(home);
      before = snapshot(home);
    });

    it('serves curation list, history and catalog, and refuses a run with exit 2 saying the state is read-only; nothing is written', async () => {
      const list = await runAdpProcess(['--home', home, 'curation', 'list', '--json'], { asUser: NOBODY });
      expect(list.code, list.stderr).toBe(0);
      expect((JSON.parse(list.stdout) as { curationType: string }[]).map((c) => c.curationType)).toEqual(['wildrydes-rydebooking']);

      const history = await runAdpProcess(['--home', home, 'history', '--json'], { asUser: NOBODY });
      expect(history.code, history.stderr).toBe(0);
      expect(JSON.parse(history.stdout)).toEqual([]);

      const catalog = await runAdpProcess(['--home', home, 'catalog', '--json'], { asUser: NOBODY });
      expect(catalog.code, catalog.stderr).toBe(0);
      expect((JSON.parse(catalog.stdout) as { database: string; name: string }[]).map((t) => `${t.database}.${t.name}`).sort()).toEqual(['wildrydes-external.ryders', 'wildrydes.rydebookings']);

      const run = await runAdpProcess(['--home', home, 'run', 'wildrydes-rydebooking', '--wait'], { asUser: NOBODY });
      expectEnvironmentError(run, new RegExp(`state database '${home}/state.db' is read-only for this user: commands that change state need write access`));

      expect(snapshot(home)).toEqual(before);
    });
  });

  it.skipIf(!canDropPrivileges)('a read-only home whose schema is older than adp says to run adp migrate (exit 2); a writable one is migrated by a read command', async () => {
    const home = await exampleHome(10);
    dirs.push(home);
    const stateDb = path.join(home, 'state.db');
    fs.rmSync(stateDb);
    const old = new Database(stateDb);
    old.pragma('journal_mode = WAL');
    migrate(old, MIGRATIONS.slice(0, -1));
    old.close();
    const oldVersion = MIGRATIONS.length - 1;
    fs.chmodSync(home, 0o755);

    makeReadOnly(home);
    const before = snapshot(home);
    const refused = await runAdpProcess(['--home', home, 'history'], { asUser: NOBODY });
    expectEnvironmentError(refused, new RegExp(`schema version ${oldVersion}, older than this adp's ${MIGRATIONS.length}, .*run \`adp migrate\` once as a user who may write the home`));
    expect(snapshot(home)).toEqual(before);

    const migrated = await runAdpProcess(['--home', home, 'history', '--json']);
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(JSON.parse(migrated.stdout)).toEqual([]);
  });
});
