import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitScript } from '../helpers/git.js';
import { sampleDefinition } from '../helpers/definitions.js';
import { bodyOf, putAndRun, startTestServer, waitForRecord, type TestServer } from './harness.js';

const SQL = "select i as id, 'ryde ' || i as name, CASE WHEN i % 5 = 0 THEN NULL ELSE i * 1.5 END as fare, i % 3 as grp from range(500) t(i) order by i";

describe('HTTP API: GET /runs/{name}/preview (real runs, real files, read back in ranges)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
    commitScript(t.home, 'tests/preview.sql', SQL);
    commitScript(t.home, 'tests/large.sql', 'select i as id, md5(i::varchar) || md5((i + 1)::varchar) as noise from range(300000) t(i) order by i');
  });
  afterAll(async () => {
    expect(t.internalErrors).toEqual([]);
    await t.close();
  });

  /** Puts a curation running tests/preview.sql with `output` merged into outputDetails, runs it, and returns its record. */
  async function runWith(type: string, output: Record<string, unknown>, athena: Record<string, unknown> = {}): Promise<any> {
    const record = await putAndRun(t, type, { sqlFilePath: 'tests/preview.sql', outputDetails: output, athenaDetails: athena });
    expect(record.status, JSON.stringify(record.errorCause)).toBe('succeeded');
    return record;
  }

  const firstRows = [
    ['0', 'ryde 0', null, '0'],
    ['1', 'ryde 1', '1.5', '1'],
    ['2', 'ryde 2', '3.0', '2'],
  ];

  it('CSV: the header and the first rows, NULL as null, truncated, the raw result kept', async () => {
    const record = await runWith('preview-csv', {});
    const body = await t.json(`/api/v1/runs/${record.curationExecutionName}/preview?rows=3`);
    expect(body.output).toMatchObject({ uri: record.curationOutputLocation, state: 'present', format: 'csv', compression: 'none' });
    expect(body.output.size).toBeGreaterThan(1000);
    expect(body.raw).toEqual({ uri: record.queryOutputLocation, state: 'present' });
    expect(body.table).toEqual({ columns: ['id', 'name', 'fare', 'grp'], rows: firstRows, truncated: true });
  });

  it.each([
    ['parquet (zstd)', { format: 'parquet' }],
    ['parquet (snappy)', { format: 'parquet', compression: 'snappy' }],
    ['parquet (gzip)', { format: 'parquet', compression: 'gzip' }],
    ['csv.gz', { format: 'csv', compression: 'gzip' }],
    ['csv.zst', { format: 'csv', compression: 'zstd' }],
    ['json', { format: 'json' }],
    ['json.gz', { format: 'json', compression: 'gzip' }],
  ])('%s: the same first rows', async (label, output) => {
    const type = `preview-${label.replace(/[^a-z]+/g, '-').replace(/-$/, '')}`;
    const record = await runWith(type, output);
    const body = await t.json(`/api/v1/runs/${record.curationExecutionName}/preview?rows=3`);
    expect(body.output.state).toBe('present');
    expect(body.table.columns).toEqual(['id', 'name', 'fare', 'grp']);
    // Parquet and JSON keep types: a double 3.0 reads back as 3, 1.5 as 1.5.
    const rows = body.table.rows.map((r: (string | null)[]) => r.map((v) => (v === null ? null : String(Number(v)) === v || /^\d/.test(v) ? String(Number(v)) : v)));
    expect(rows).toEqual(firstRows.map((r) => r.map((v) => (v === null ? null : /^\d/.test(v) ? String(Number(v)) : v))));
    expect(body.table.truncated).toBe(true);
  });

  it.each([
    ['csv', 'none'],
    ['csv', 'gzip'],
    ['csv', 'zstd'],
    ['json', 'zstd'],
  ])('a large %s (%s) file: the first rows from its first 256 KiB only', async (format, compression) => {
    const type = `preview-large-${format}-${compression}`;
    const record = await putAndRun(t, type, { sqlFilePath: 'tests/large.sql', outputDetails: { format, compression } }, 60_000);
    expect(record.status).toBe('succeeded');
    const size = fs.statSync(new URL(record.curationOutputLocation).pathname).size;
    expect(size).toBeGreaterThan(2 * 256 * 1024);
    const body = await t.json(`/api/v1/runs/${record.curationExecutionName}/preview?rows=200`);
    expect(body.output.size).toBe(size);
    expect(body.table.columns).toEqual(['id', 'noise']);
    expect(body.table.rows.map((r: string[]) => r[0])).toEqual(Array.from({ length: 200 }, (_, i) => String(i)));
    expect(body.table.rows[199][1]).toMatch(/^[0-9a-f]{64}$/);
    expect(body.table.truncated).toBe(true);
  }, 90_000);

  it('a partitioned folder: the first data file of its manifest, with its partition values', async () => {
    const record = await runWith('preview-partitioned', { format: 'parquet', partitionBy: ['grp'], includeTimestampInFilename: true });
    const body = await t.json(`/api/v1/runs/${record.curationExecutionName}/preview?rows=2`);
    expect(body.output).toMatchObject({ state: 'present', format: 'parquet', files: 3, partition: { grp: '0' } });
    expect(body.output.file).toMatch(/grp=0\//);
    expect(body.table.columns).toEqual(['id', 'name', 'fare']);
    expect(body.table.rows).toHaveLength(2);
  });

  it('says the raw result was deleted after publishing (deleteAthenaQueryFile)', async () => {
    const record = await runWith('preview-raw-deleted', {}, { deleteAthenaQueryFile: true });
    const body = await t.json(`/api/v1/runs/${record.curationExecutionName}/preview`);
    expect(body.raw).toEqual({ uri: record.queryOutputLocation, state: 'deleted' });
    expect(body.table.rows).toHaveLength(20);
  });

  it('says the output is gone when its file was deleted, instead of failing', async () => {
    const record = await runWith('preview-gone', {});
    fs.rmSync(new URL(record.curationOutputLocation).pathname);
    const body = await t.json(`/api/v1/runs/${record.curationExecutionName}/preview`);
    expect(body.output.state).toBe('missing');
    expect(body.table).toBeUndefined();
    expect(body.note).toMatch(/no longer there/);
  });

  it('says the output was replaced by a later run that published to the same name (writeMode replace)', async () => {
    const first = await runWith('preview-replace', { includeTimestampInFilename: false, writeMode: 'replace' });
    const res = await t.json('/api/v1/curations/preview-replace/runs', { method: 'POST', body: '{}', expect: 202 });
    const second = (await waitForRecord(t, res.curationExecutionName)).record;
    expect(second.curationOutputLocation).toBe(first.curationOutputLocation);
    const old = await t.json(`/api/v1/runs/${first.curationExecutionName}/preview`);
    expect(old.output).toMatchObject({ state: 'replaced', replacedBy: second.curationExecutionName });
    expect(old.table).toBeUndefined();
    expect(old.note).toMatch(/replaced by a later run/);
    const now = await t.json(`/api/v1/runs/${second.curationExecutionName}/preview`);
    expect(now.output.state).toBe('present');
    expect(now.table.rows).toHaveLength(20);
  });

  it('a failed run published nothing; an unknown run is 404; a bad rows value 400', async () => {
    commitScript(t.home, 'tests/broken.sql', 'select no_such_column from range(3)');
    const sample = sampleDefinition();
    await t.json('/api/v1/curations/preview-broken', { method: 'PUT', body: JSON.stringify({ ...sample, curationType: 'preview-broken', sqlFilePath: 'tests/broken.sql' }), expect: 201 });
    const res = await t.json('/api/v1/curations/preview-broken/runs', { method: 'POST', body: '{}', expect: 202 });
    await waitForRecord(t, res.curationExecutionName);
    const body = await t.json(`/api/v1/runs/${res.curationExecutionName}/preview`);
    expect(body.note).toBe('The run published no output.');
    expect(body.output).toBeUndefined();
    expect((await t.api('/api/v1/runs/no_such_run/preview')).status).toBe(404);
    const bad = await t.api(`/api/v1/runs/${res.curationExecutionName}/preview?rows=0`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bodyOf(bad))).toContain('rows');
  });
});
