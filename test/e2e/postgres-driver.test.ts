import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adp, cleanup, tempDir } from '../helpers/cli.js';
import { withEnv } from '../helpers/env.js';

// The postgres driver through the CLI, on the machine's PostgreSQL: this file
// works in databases of its own, created here and dropped at the end.
const SERVER = process.env.ADP_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const suffix = `${process.pid}_${Date.now().toString(36)}`;
const databases: string[] = [];

function urlOf(database: string): string {
  const url = new URL(SERVER);
  url.pathname = `/${database}`;
  return url.href;
}

async function createDatabase(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  databases.push(name);
  return urlOf(name);
}

describe('the postgres driver through the CLI (real PostgreSQL on 127.0.0.1)', () => {
  let dir: string;
  let home: string;
  let url: string;

  beforeAll(async () => {
    dir = tempDir();
    home = path.join(dir, 'home');
    url = await createDatabase(`adp_e2e_${suffix}`);
  });
  afterAll(async () => {
    cleanup(dir);
    const admin = new pg.Client({ connectionString: SERVER });
    await admin.connect();
    for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it('init --driver postgres writes the URL, migrates the schema, installs the example; a run lands in PostgreSQL', async () => {
    const init = await withEnv('ADP_DATABASE_URL', undefined, () => adp(['--home', home, 'init', '--driver', 'postgres', '--database-url', url, '--example', 'wildrydes', '--rows', '200']));
    expect(init.code, init.stderr).toBe(0);
    expect(init.stderr).toContain('state: postgres');
    const config = JSON.parse(fs.readFileSync(path.join(home, 'adp.config.json'), 'utf8'));
    expect(config).toMatchObject({ driver: 'postgres', postgres: { url } });
    expect(fs.existsSync(path.join(home, 'state.db'))).toBe(false);

    const run = await withEnv('ADP_DATABASE_URL', undefined, () => adp(['--home', home, 'run', 'wildrydes-rydebooking', '--wait', '--json']));
    expect(run.code, run.stderr).toBe(0);
    const record = JSON.parse(run.stdout);
    expect(record).toMatchObject({ curationType: 'wildrydes-rydebooking', status: 'succeeded', trigger: 'manual' });

    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      const { rows } = await db.query('SELECT execution_name, status FROM adp.history');
      expect(rows).toEqual([{ execution_name: record.curationExecutionName, status: 'succeeded' }]);
    } finally {
      await db.end();
    }
    const history = await withEnv('ADP_DATABASE_URL', undefined, () => adp(['--home', home, 'history', '--json']));
    expect(JSON.parse(history.stdout).map((r: { curationExecutionName: string }) => r.curationExecutionName)).toEqual([record.curationExecutionName]);
  });

  it('ADP_DATABASE_URL overrides the config; an unreachable server is exit 2 with what to do, no password, no stack', async () => {
    const r = await withEnv('ADP_DATABASE_URL', 'postgres://adp:s3cret-pw@127.0.0.1:9/nowhere', () => adp(['--home', home, 'curation', 'list']));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('127.0.0.1:9');
    expect(r.stderr).not.toContain('s3cret-pw');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a schema that was never migrated says to run adp migrate; adp migrate fixes it', async () => {
    const fresh = await createDatabase(`adp_e2e_fresh_${suffix}`);
    const before = await withEnv('ADP_DATABASE_URL', fresh, () => adp(['--home', home, 'curation', 'list']));
    expect(before.code).toBe(2);
    expect(before.stderr).toContain('adp migrate');
    const migrate = await withEnv('ADP_DATABASE_URL', fresh, () => adp(['--home', home, 'migrate']));
    expect(migrate.code, migrate.stderr).toBe(0);
    const after = await withEnv('ADP_DATABASE_URL', fresh, () => adp(['--home', home, 'curation', 'list', '--json']));
    expect(after.code, after.stderr).toBe(0);
    expect(JSON.parse(after.stdout)).toEqual([]);
  });

  it('init keeps a password out of adp.config.json', async () => {
    const other = path.join(dir, 'with-password');
    const withPassword = new URL(url);
    withPassword.username = 'postgres';
    withPassword.password = 'not-needed-with-trust';
    const init = await withEnv('ADP_DATABASE_URL', undefined, () => adp(['--home', other, 'init', '--database-url', withPassword.href]));
    expect(init.code, init.stderr).toBe(0);
    expect(init.stderr).toContain('password is not written');
    const text = fs.readFileSync(path.join(other, 'adp.config.json'), 'utf8');
    expect(text).not.toContain('not-needed-with-trust');
    expect(JSON.parse(text).driver).toBe('postgres');
  });

  it('bad driver input is refused by name', async () => {
    const r = await adp(['--home', path.join(dir, 'bad'), 'init', '--driver', 'mysql']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--driver: unknown driver 'mysql'");
    const u = await adp(['--home', path.join(dir, 'bad2'), 'init', '--driver', 'postgres', '--database-url', 'mysql://x@h/db']);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('--database-url: must start with postgres://');
  });
});
