import { pause, startServeProcess } from '../helpers/serve-process.js';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adp, cleanup, exampleHome, tempDir } from '../helpers/cli.js';
import { commitScript } from '../helpers/git.js';
import { writeDefinition } from '../helpers/definitions.js';

/** Registers a curation running `sql` (committed at `rel`) and runs it; returns exit code and record. */
async function runSql(home: string, dir: string, name: string, sql: string | undefined, patch: Record<string, unknown> = {}) {
  const rel = `tests/${name}.sql`;
  if (sql !== undefined) commitScript(home, rel, sql);
  const file = writeDefinition(dir, { curationType: name, sqlFilePath: rel, ...patch });
  const put = await adp(['--home', home, 'curation', 'put', file]);
  expect(put.code).toBe(0);
  const r = await adp(['--home', home, 'run', name, '--wait', '--json']);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return { code: r.code, record: JSON.parse(r.stdout) as Record<string, any>, stderr: r.stderr };
}

describe('failed runs are recorded with error and errorCause', () => {
  let home: string;
  let dir: string;
  beforeAll(async () => {
    home = await exampleHome(50);
    dir = tempDir();
  });
  afterAll(() => {
    cleanup(home);
    cleanup(dir);
  });

  it('a SQL error fails the run with the engine message', async () => {
    const { code, record } = await runSql(home, dir, 'sql-error', 'select no_such_column from wildrydes.rydebookings');
    expect(code).toBe(1);
    expect(record).toMatchObject({ status: 'failed', error: 'QUERY_FAILED', errorCause: { errorType: 'QueryFailedError' } });
    expect(record.errorCause.errorMessage).toMatch(/no_such_column/);
    expect(record.curationOutputLocation).toBeUndefined();
  });

  it('a script missing at HEAD is a start failure', async () => {
    const { code, record } = await runSql(home, dir, 'no-script', undefined, { sqlFilePath: 'tests/never-committed.sql' });
    expect(code).toBe(1);
    expect(record).toMatchObject({ status: 'failed', error: 'Failed to start processing', errorCause: { errorType: 'NotFoundError' } });
    expect(record.errorCause.errorMessage).toMatch(/never-committed\.sql/);
  });

  it('an uncommitted edit is not run: the committed text is', async () => {
    const rel = 'tests/committed.sql';
    commitScript(home, rel, 'select 1 as one');
    fs.writeFileSync(path.join(home, 'scripts', rel), 'select no_such_thing');
    const { code, record } = await runSql(home, dir, 'committed', undefined, { sqlFilePath: rel });
    expect(code).toBe(0);
    expect(record.rowCount).toBe(1);
  });

  it('an unknown curation is refused before anything is queued (exit 2), a removed one still ends in a failure record', async () => {
    const r = await adp(['--home', home, 'run', 'no-such-curation', '--wait', '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("curation 'no-such-curation' not found");
    expect(JSON.parse((await adp(['--home', home, 'history', 'no-such-curation', '--json'])).stdout)).toEqual([]);

    // Queued while it existed, removed before it ran: the run cannot begin and is recorded, as the sample does.
    const { code } = await runSql(home, dir, 'soon-gone', 'select 1', { enabled: false });
    expect(code).toBe(0);
    const queued = await adp(['--home', home, 'run', 'soon-gone']);
    expect(queued.code, queued.stderr).toBe(0);
    expect((await adp(['--home', home, 'curation', 'rm', 'soon-gone'])).code).toBe(0);
    const serve = await startServeProcess(home);
    try {
      for (const deadline = Date.now() + 30_000; ; ) {
        const history = JSON.parse((await adp(['--home', home, 'history', 'soon-gone', '--json'])).stdout);
        if (history.length === 2) {
          expect(history[0]).toMatchObject({ status: 'failed', error: 'Failed to start processing' });
          break;
        }
        if (Date.now() > deadline) throw new Error(`no failure record: ${JSON.stringify(history)}`);
        await pause(100);
      }
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  });

  it('a table missing from the catalog fails validation naming the entry', async () => {
    const { code, record } = await runSql(home, dir, 'missing-table', 'select 1', { glueDetails: { database: 'wildrydes', tables: ['nope'] } });
    expect(code).toBe(1);
    expect(record.error).toBe('Failed to start processing');
    expect(record.errorCause.errorMessage).toMatch(/glueDetails\.tables\[0\]: table 'wildrydes\.nope' is not in the catalog/);
  });

  it('a query past timeoutSeconds is stopped and recorded timed_out', async () => {
    // A 10^18-row join never ends by itself: the run returning at all means the timeout stopped it.
    const { code, record } = await runSql(
      home,
      dir,
      'slow',
      'select count(*) from range(1000000000) a, range(1000000000) b',
      { timeoutSeconds: 1 },
    );
    expect(code).toBe(1);
    expect(record).toMatchObject({ status: 'timed_out', error: 'QUERY_TIMEOUT' });
    expect(record.durationMs).toBeGreaterThanOrEqual(1000);
  });

  it('the sandbox stops a script that reads files outside the catalog', async () => {
    const { code, record } = await runSql(home, dir, 'escape', "select * from read_text('/etc/passwd')");
    expect(code).toBe(1);
    expect(record).toMatchObject({ status: 'failed', error: 'SANDBOX_VIOLATION' });
    expect(record.errorCause.errorMessage).toMatch(/^sandbox: /);
  });

  it('the sandbox refuses reading the project state and config', async () => {
    for (const file of ['state.db', 'adp.config.json']) {
      const { record } = await runSql(home, dir, `escape-${file.replace('.', '-')}`, `select * from read_text('${path.join(home, file)}')`);
      expect(record.error).toBe('SANDBOX_VIOLATION');
    }
  });

  it('a mistyped first keyword is a syntax error at its position, not a sandbox violation (run and validate)', async () => {
    const { code, record } = await runSql(home, dir, 'typo', 'SELEC * FRM wildrydes.rydebookings');
    expect(code).toBe(1);
    expect(record).toMatchObject({ status: 'failed', error: 'QUERY_FAILED', errorCause: { errorType: 'QueryFailedError' } });
    expect(record.errorCause.errorMessage).toBe('Parser Error: syntax error at or near "SELEC" (line 1, column 1)');
    expect(record.curationOutputLocation).toBeUndefined();
    const v = await adp(['--home', home, 'validate', 'typo', '--json']);
    expect(v.code).toBe(2);
    const query = JSON.parse(v.stdout).checks.find((c: { check: string }) => c.check === 'query');
    expect(query).toMatchObject({ ok: false });
    expect(query.detail).toMatch(/syntax error at or near "SELEC" \(line 1, column 1\)/);
    expect(query.detail).not.toMatch(/sandbox/);
  });

  it('a script with two statements is refused before it runs', async () => {
    const { record } = await runSql(home, dir, 'two', 'select 1; select 2');
    expect(record.error).toBe('SANDBOX_VIOLATION');
  });
});
