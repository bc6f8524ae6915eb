import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adp, cleanup, exampleHome, tempDir } from '../helpers/cli.js';
import { writeDefinition } from '../helpers/definitions.js';
import { commitScript } from '../helpers/git.js';

const SQL = 'select {{ params.label }} as label, {{ params.n }} + 1 as n2, {{ curation_type | upper }} as ct, count(*) as c from rydebookings';

describe('templating, --param, validate --render and maxBytesScanned (CLI end to end)', () => {
  let home: string;
  let dir: string;
  const put = (patch: Record<string, unknown>) => adp(['--home', home, 'curation', 'put', writeDefinition(dir, patch)]);
  beforeAll(async () => {
    home = await exampleHome(20);
    dir = tempDir();
    commitScript(home, 't/templated.sql', SQL);
    const r = await put({
      curationType: 't-templated',
      sqlFilePath: 't/templated.sql',
      parameters: { label: { type: 'string', default: 'eu' }, n: { type: 'int', default: 1 } },
      outputDetails: { outputBucket: 'wildrydes-dev-curated', outputFolderPath: 't/{{ params.label }}/', filename: 'out-{{ params.n }}' },
    });
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(() => {
    cleanup(home);
    cleanup(dir);
  });

  it('adp run --param renders typed literals and sanitised key parts; the record keeps the parameters and the rendered SQL hash', async () => {
    const label = "x'; drop table t; --/../";
    const r = await adp(['--home', home, 'run', 't-templated', '--wait', '--json', '--param', `label=${label}`, '--param', 'n=41']);
    expect(r.code, r.stderr).toBe(0);
    const record = JSON.parse(r.stdout);
    expect(record.parameters).toEqual({ label, n: '41' });
    expect(record.curationOutputLocation).toMatch(/\/t\/x___drop_table_t__--___\/out-41\.csv$/);
    const file = path.join(home, 'buckets', 'wildrydes-dev-curated', 't', 'x___drop_table_t__--___', 'out-41.csv');
    const [header, row] = fs.readFileSync(file, 'utf8').trim().split('\n');
    expect(header).toBe('label,n2,ct,c');
    expect(row).toBe(`${label},42,T-TEMPLATED,20`); // one field: the quote and the comment opener are text
    const rendered = SQL.replace('{{ params.label }}', `'x''; drop table t; --/../'`).replace('{{ params.n }}', '41').replace('{{ curation_type | upper }}', "'T-TEMPLATED'");
    expect(record.sqlSha256).toBe(createHash('sha256').update(rendered).digest('hex'));
  });

  it('defaults apply without --param; unknown parameters and values of another type are refused before anything is queued', async () => {
    const ok = await adp(['--home', home, 'run', 't-templated', '--wait', '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).curationOutputLocation).toMatch(/\/t\/eu\/out-1\.csv$/);
    const unknown = await adp(['--home', home, 'run', 't-templated', '--param', 'nope=1']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/parameters\.nope: unknown parameter 'nope'/);
    const typed = await adp(['--home', home, 'run', 't-templated', '--param', 'n=abc']);
    expect(typed.code).toBe(2);
    expect(typed.stderr).toMatch(/parameters\.n: 'abc' is not a whole number/);
    const malformed = await adp(['--home', home, 'run', 't-templated', '--param', 'n']);
    expect(malformed.code).toBe(2);
  });

  it('a missing required parameter fails the run at its start, naming it', async () => {
    commitScript(home, 't/required.sql', 'select {{ params.day }} as d');
    expect((await put({ curationType: 't-required', sqlFilePath: 't/required.sql', parameters: { day: { type: 'date' } } })).code).toBe(0);
    const r = await adp(['--home', home, 'run', 't-required', '--wait', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).errorCause.errorMessage).toMatch(/required parameter 'day'/);
    const given = await adp(['--home', home, 'run', 't-required', '--wait', '--json', '--param', 'day=2027-01-04']);
    expect(given.code, given.stderr).toBe(0);
  });

  it('adp backfill --param gives every run of the range the value, checked as adp run --param checks it', async () => {
    const range = ['--home', home, 'backfill', 't-required', '--from', '2027-01-01T00:00:00Z', '--to', '2027-01-01T00:01:00Z'];
    for (const bad of [['--param', 'nope=1'], ['--param', 'day=soon'], ['--param', 'day=soon', '--dry-run']]) {
      const r = await adp([...range, ...bad]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(bad[1] === 'nope=1' ? /parameters\.nope: unknown parameter 'nope'/ : /parameters\.day: 'soon' is not a date \(YYYY-MM-DD\)/);
    }
    expect((await adp([...range, '--param', 'day'])).code).toBe(2);
    const r = await adp([...range, '--json', '--param', 'day=2027-01-04']);
    expect(r.code, r.stderr).toBe(0);
    const records = JSON.parse(r.stdout) as { status: string; trigger: string; parameters?: Record<string, string> }[];
    expect(records.map((x) => [x.trigger, x.status, x.parameters])).toEqual([
      ['backfill', 'succeeded', { day: '2027-01-04' }],
      ['backfill', 'succeeded', { day: '2027-01-04' }],
    ]);
    // Only that range ran: the refused calls queued nothing.
    const history = JSON.parse((await adp(['--home', home, 'history', 't-required', '--json'])).stdout) as { trigger: string }[];
    expect(history.filter((x) => x.trigger === 'backfill')).toHaveLength(2);
  });

  it('curation put refuses unknown variables and parameters in the script and in key parts, naming them', async () => {
    commitScript(home, 't/bad.sql', 'select {{ nonsense }}, {{ params.ghost }}');
    const r = await put({ curationType: 't-bad', sqlFilePath: 't/bad.sql' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown variable 'nonsense'/);
    expect(r.stderr).toMatch(/unknown parameter 'params.ghost'/);
    const key = await put({ curationType: 't-bad2', sqlFilePath: 't/templated.sql', outputDetails: { outputBucket: 'wildrydes-dev-curated', filename: 'f-{{ params.x }}' } });
    expect(key.code).toBe(2);
    expect(key.stderr).toMatch(/outputDetails\.filename: unknown parameter 'params.x'/);
  });

  it('validate --render prints the rendered SQL, the plan and the bytes the query would scan', async () => {
    const text = await adp(['--home', home, 'validate', 't-templated', '--render', '--param', 'label=y']);
    expect(text.code, text.stdout + text.stderr).toBe(0);
    expect(text.stdout).toContain("select 'y' as label, 1 + 1 as n2, 'T-TEMPLATED' as ct");
    expect(text.stdout).toMatch(/outputFolderPath: t\/y\//);
    expect(text.stdout).toMatch(/ok {4}scan +at most \d+ bytes/);
    const json = JSON.parse((await adp(['--home', home, 'validate', 't-templated', '--render', '--json'])).stdout);
    expect(json.renderedSql).toContain("'eu'");
    expect(json.scanBytes).toBeGreaterThan(0);
    const bad = await adp(['--home', home, 'validate', 't-templated', '--render', '--json', '--param', 'n=x']);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout).checks.find((c: any) => c.check === 'render').detail).toMatch(/parameters\.n/);
  });

  it('maxBytesScanned refuses a run above it before the query starts, and lets one below it run', async () => {
    const scan = JSON.parse((await adp(['--home', home, 'validate', 't-templated', '--render', '--json'])).stdout).scanBytes as number;
    const base = { sqlFilePath: 't/templated.sql', parameters: { label: { type: 'string', default: 'eu' }, n: { type: 'int', default: 1 } } };
    expect((await put({ ...base, curationType: 't-capped', maxBytesScanned: scan - 1 })).code).toBe(0);
    const v = await adp(['--home', home, 'validate', 't-capped', '--json']);
    expect(v.code).toBe(2);
    expect(JSON.parse(v.stdout).checks.find((c: any) => c.check === 'scan').detail).toMatch(/maxBytesScanned: the query would scan \d+ bytes/);
    const r = await adp(['--home', home, 'run', 't-capped', '--wait', '--json']);
    expect(r.code).toBe(1);
    const record = JSON.parse(r.stdout);
    expect(record.error).toBe('SCAN_LIMIT_EXCEEDED');
    expect(record.errorCause.errorMessage).toMatch(/maxBytesScanned/);
    expect(record.athenaQueryExecutionId).toBeUndefined();
    expect((await put({ ...base, curationType: 't-roomy', maxBytesScanned: scan })).code).toBe(0);
    expect((await adp(['--home', home, 'run', 't-roomy', '--wait'])).code).toBe(0);
  });
});
