import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adp, cleanup, exampleHome, tempDir } from '../helpers/cli.js';
import { commitScript } from '../helpers/git.js';
import { CaptureServer } from '../helpers/http-capture.js';

// Three rows: id 2 repeats, note has one null, status is open or closed.
const SQL = "select * from (values (1, 'open', 'a'), (2, 'closed', null), (2, 'open', 'c')) as t(id, status, note)\n";

/** Per type, a check that passes and one that fails on those rows, and what the failing one observes. */
const MATRIX: Record<string, { pass: object; fail: object; observed: number }> = {
  rowCount: { pass: { type: 'rowCount', min: 1, max: 3 }, fail: { type: 'rowCount', min: 4 }, observed: 3 },
  notNull: { pass: { type: 'notNull', columns: ['id', 'status'] }, fail: { type: 'notNull', columns: ['note'] }, observed: 1 },
  unique: { pass: { type: 'unique', columns: ['status', 'note'] }, fail: { type: 'unique', columns: ['id'] }, observed: 1 },
  accepted: {
    pass: { type: 'accepted', column: 'status', values: ['open', 'closed'] },
    fail: { type: 'accepted', column: 'status', values: ['open'] },
    observed: 1,
  },
  sql: { pass: { type: 'sql', query: 'select * from result where id < 0' }, fail: { type: 'sql', query: 'select * from result where id = 2' }, observed: 2 },
};

describe('quality checks on the result before publishing (embedded driver, real DuckDB; webhook alerts to a protocol-level HTTP capture server)', () => {
  let home: string;
  let dir: string;
  let server: CaptureServer;

  beforeAll(async () => {
    home = await exampleHome(20);
    dir = tempDir();
    server = await CaptureServer.start();
    commitScript(home, 'qc/fixed.sql', SQL);
    const config = path.join(home, 'adp.config.json');
    fs.writeFileSync(
      config,
      JSON.stringify({
        ...JSON.parse(fs.readFileSync(config, 'utf8')),
        notifications: [{ type: 'webhook', url: `${server.url}/hook`, events: ['qualityWarning', 'failure'] }],
      }),
    );
  });
  afterAll(async () => {
    await server.close();
    cleanup(home);
    cleanup(dir);
  });

  function outputFolder(name: string): string {
    return path.join(home, 'buckets', 'wildrydes-dev-curated', 'qc', name);
  }

  /** Puts a curation running the fixed SQL with `checks` and runs it; answers the record. */
  async function runWith(name: string, checks: object[], output: object = {}): Promise<Record<string, any>> {
    const def = {
      curationType: name,
      sqlFilePath: 'qc/fixed.sql',
      cronExpression: 'rate(1 day)',
      glueDetails: { database: 'wildrydes' },
      outputDetails: { outputBucket: 'wildrydes-dev-curated', outputFolderPath: `qc/${name}/`, filename: name, ...output },
      qualityChecks: checks,
    };
    const file = path.join(dir, `${name}.json`);
    fs.writeFileSync(file, JSON.stringify(def));
    const put = await adp(['--home', home, 'curation', 'put', file]);
    expect(put.code, put.stderr).toBe(0);
    const r = await adp(['--home', home, 'run', name, '--wait', '--json']);
    expect(r.stderr).not.toMatch(/at .*\.[jt]s:\d+/);
    return JSON.parse(r.stdout);
  }

  const cases = Object.entries(MATRIX).flatMap(([type, m]) =>
    (['pass', 'fail'] as const).flatMap((outcome) => (['block', 'warn'] as const).map((severity) => ({ type, outcome, severity, m }))),
  );

  it.each(cases)('$type × $outcome × $severity', async ({ type, outcome, severity, m }) => {
    const name = `qc-${type}-${outcome}-${severity}`.toLowerCase();
    const record = await runWith(name, [{ ...(outcome === 'pass' ? m.pass : m.fail), severity }]);
    const blocked = outcome === 'fail' && severity === 'block';
    expect(record.status).toBe(blocked ? 'failed' : 'succeeded');
    expect(record.qualityChecks).toHaveLength(1);
    expect(record.qualityChecks[0]).toMatchObject({ type, severity, passed: outcome === 'pass' });
    if (outcome === 'fail') expect(record.qualityChecks[0].observed).toBe(m.observed);
    if (blocked) {
      expect(record).toMatchObject({ error: 'QUALITY_CHECK_FAILED', errorCause: { errorType: 'QualityCheckFailedError' } });
      expect(record.curationOutputLocation).toBeUndefined();
      expect(fs.existsSync(outputFolder(name)) ? fs.readdirSync(outputFolder(name)) : []).toEqual([]);
    } else {
      expect(fs.readdirSync(outputFolder(name))).toEqual([`${name}.csv`]);
    }
  });

  it('a blocked run lists every check’s result, publishes nothing and says which checks blocked it', async () => {
    const checks = [MATRIX.rowCount!.pass, { ...MATRIX.unique!.fail, severity: 'block' }, { ...MATRIX.notNull!.fail, severity: 'warn' }, MATRIX.sql!.fail];
    const record = await runWith('qc-blocked-all', checks);
    expect(record.status).toBe('failed');
    expect(record.qualityChecks).toEqual([
      { name: 'rowCount', type: 'rowCount', severity: 'block', passed: true, observed: 3, expected: '1 <= rows <= 3' },
      { name: 'unique(id)', type: 'unique', severity: 'block', passed: false, observed: 1, expected: '0 duplicate rows' },
      { name: 'notNull(note)', type: 'notNull', severity: 'warn', passed: false, observed: 1, expected: '0 rows with a null' },
      { name: 'sql[3]', type: 'sql', severity: 'block', passed: false, observed: 2, expected: '0 rows returned' },
    ]);
    expect(record.errorCause.errorMessage).toBe(
      '2 blocking quality checks failed, nothing was published: unique(id): 1 (expected 0 duplicate rows); sql[3]: 2 (expected 0 rows returned)',
    );
    expect(fs.existsSync(outputFolder('qc-blocked-all'))).toBe(false);
    // The raw result stays where the query wrote it, for a look at what failed.
    expect(fs.existsSync(new URL(record.queryOutputLocation))).toBe(true);
    const shown = JSON.parse((await adp(['--home', home, 'history', 'qc-blocked-all', '--json'])).stdout);
    expect((Array.isArray(shown) ? shown : shown.records)[0].qualityChecks).toEqual(record.qualityChecks);
  });

  it('a run with a failed warn check publishes, records it and sends a qualityWarning alert', async () => {
    const before = server.requests.length;
    const record = await runWith('qc-warned', [MATRIX.rowCount!.pass, { ...MATRIX.accepted!.fail, severity: 'warn', name: 'status is open' }]);
    expect(record.status).toBe('succeeded');
    expect(fs.existsSync(new URL(record.curationOutputLocation))).toBe(true);
    const hooks = server.requests.slice(before).filter((q) => q.path === '/hook').map((q) => JSON.parse(q.body));
    expect(hooks).toHaveLength(1);
    expect(hooks[0]).toMatchObject({
      event: 'qualityWarning',
      curationType: 'qc-warned',
      status: 'succeeded',
      executionName: record.curationExecutionName,
      failedChecks: [{ name: 'status is open', type: 'accepted', severity: 'warn', passed: false, observed: 1 }],
    });
  });

  it.each(['parquet', 'json'])('reads a %s result back for the checks', async (format) => {
    const record = await runWith(`qc-format-${format}`, [MATRIX.unique!.fail, MATRIX.notNull!.pass, MATRIX.accepted!.fail, MATRIX.sql!.fail], { format });
    expect(record.qualityChecks.map((c: { observed: number }) => c.observed)).toEqual([1, 0, 1, 2]);
  });

  it('runs a sql check in a sandbox that reads the result and nothing else, and refuses anything but one SELECT', async () => {
    const queries = [
      "select * from read_csv('/etc/passwd')",
      'select * from wildrydes.rydebookings',
      'delete from result',
      "attach ':memory:' as x",
      'select 1; select 2',
    ];
    const record = await runWith('qc-sandbox', queries.map((query) => ({ type: 'sql', query, severity: 'warn' })));
    expect(record.status).toBe('succeeded');
    for (const check of record.qualityChecks) {
      expect(check).toMatchObject({ passed: false });
      expect(check.observed).toBeUndefined();
    }
    const errors = record.qualityChecks.map((c: { error: string }) => c.error);
    expect(errors[0]).toMatch(/Permission Error|disabled by configuration/);
    expect(errors[1]).toMatch(/rydebookings/);
    for (const e of errors.slice(2)) expect(e).toMatch(/sandbox/);
  });

  it('names a column that is not in the result; the other checks still run', async () => {
    const record = await runWith('qc-missing-column', [{ type: 'notNull', columns: ['nope'] }, MATRIX.rowCount!.pass]);
    expect(record.status).toBe('failed');
    expect(record.qualityChecks[0].error).toBe('no column "nope" in the result (its columns: id, status, note)');
    expect(record.qualityChecks[1]).toMatchObject({ passed: true, observed: 3 });
  });

  it('counts duplicates of a key too wide for the bitmap, and of a key that is all null', async () => {
    commitScript(home, 'qc/wide.sql', 'select * from (values (1::BIGINT, null::INT), (9223372036854775807, null), (1, null)) as t(k, n)\n');
    const def = (name: string) => ({ curationType: name, sqlFilePath: 'qc/wide.sql', cronExpression: 'rate(1 day)', glueDetails: { database: 'wildrydes' }, outputDetails: { outputBucket: 'wildrydes-dev-curated', outputFolderPath: `qc/${name}/` } });
    const file = path.join(dir, 'wide.json');
    fs.writeFileSync(file, JSON.stringify({ ...def('qc-wide'), qualityChecks: [{ type: 'unique', columns: ['k'], severity: 'warn' }, { type: 'unique', columns: ['n'], severity: 'warn' }] }));
    expect((await adp(['--home', home, 'curation', 'put', file])).code).toBe(0);
    const record = JSON.parse((await adp(['--home', home, 'run', 'qc-wide', '--wait', '--json'])).stdout);
    expect(record.qualityChecks.map((c: { observed: number }) => c.observed)).toEqual([1, 0]);
  });

  it('refuses bad checks at put, naming the field', async () => {
    const file = path.join(dir, 'bad.json');
    const put = async (checks: unknown) => {
      fs.writeFileSync(file, JSON.stringify({ curationType: 'qc-bad', sqlFilePath: 'qc/fixed.sql', cronExpression: 'rate(1 day)', glueDetails: { database: 'wildrydes' }, outputDetails: { outputBucket: 'wildrydes-dev-curated' }, qualityChecks: checks }));
      return adp(['--home', home, 'curation', 'put', file]);
    };
    const typo = await put([{ type: 'notNul', columns: ['id'] }]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/qualityChecks\[0\]\.type/);
    const twice = await put([{ type: 'rowCount', min: 1 }, { type: 'rowCount', max: 9 }]);
    expect(twice.stderr).toMatch(/qualityChecks\[1\]\.name: "rowCount" is also the name of qualityChecks\[0\]/);
    const bounds = await put([{ type: 'rowCount' }]);
    expect(bounds.stderr).toMatch(/qualityChecks\[0\]\.min: give min, max or both/);
    const unknown = await put([{ type: 'unique', columns: ['id'], severity: 'fatal' }]);
    expect(unknown.stderr).toMatch(/qualityChecks\[0\]\.severity/);
  });
});
