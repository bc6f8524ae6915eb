import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, QueryFailedError, TransientError } from '../../domain/errors.js';
import type { TableInfo } from '../../ports/catalog.js';
import type { QueryRequest, QueryStatus } from '../../ports/query-engine.js';
import { BucketPaths } from '../localfs/bucket-paths.js';
import { DuckDbQueryEngine } from './duckdb-query-engine.js';

let root: string;
let paths: BucketPaths;
let engine: DuckDbQueryEngine;

const tables: TableInfo[] = [
  { database: 'wildrydes', name: 'rydebookings', location: { bucket: 'lake', prefix: 'rydebookings/' }, format: 'json', hivePartitioning: true },
  { database: 'wildrydes', name: 'later', location: { bucket: 'lake', prefix: 'later' }, format: 'csv', hivePartitioning: false },
  { database: 'wildrydes-external', name: 'ryders', location: { bucket: 'ryders-bucket', prefix: '' }, format: 'csv', hivePartitioning: false },
  { database: 'wildrydes-external', name: 'fares', location: { bucket: 'lake', prefix: 'fares' }, format: 'parquet', hivePartitioning: false },
];

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'adp-'));
  paths = new BucketPaths(path.join(root, 'buckets'));
  const lake = paths.bucketDir('lake');
  write(path.join(lake, 'rydebookings/year=2024/month=01/day=02/part-0.json'), '{"id":1,"ryder":"r1"}\n{"id":2,"ryder":"r2"}\n');
  write(path.join(lake, 'rydebookings/year=2024/month=01/day=03/part-0.jsonl'), '{"id":3,"ryder":"r1"}\n');
  write(path.join(paths.bucketDir('ryders-bucket'), 'ryders.csv'), 'ryder,name\nr1,Ann\nr2,Bo\n');
  fs.mkdirSync(path.join(lake, 'fares'), { recursive: true });
  const plain = await DuckDBInstance.create(':memory:');
  const c = await plain.connect();
  await c.run(`COPY (SELECT i AS id, i * 1.5 AS fare FROM range(1, 4) t(i)) TO '${path.join(lake, 'fares/f.parquet')}' (FORMAT parquet)`);
  c.closeSync();
  plain.closeSync();
  engine = await DuckDbQueryEngine.open({ paths, stagingDir: path.join(root, 'staging'), tables, threads: 2, memoryLimit: '512MB' });
});

afterAll(async () => {
  await engine?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

let keys = 0;
function request(sql: string, extra: Partial<QueryRequest> = {}): QueryRequest {
  keys += 1;
  return { sql, database: 'wildrydes', output: { bucket: 'results', folder: 'raw/' }, format: 'csv', idempotencyKey: `k${keys}`, ...extra };
}

async function finished(id: string): Promise<QueryStatus> {
  for (let i = 0; i < 1000; i += 1) {
    const status = await engine.status(id);
    if (!['QUEUED', 'RUNNING'].includes(status.state)) return status;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`query ${id} did not finish`);
}

async function run(sql: string, extra: Partial<QueryRequest> = {}): Promise<{ id: string; status: QueryStatus; file: string }> {
  const id = await engine.start(request(sql, extra));
  const status = await finished(id);
  return { id, status, file: status.result ? paths.filePath(status.result.bucket, status.result.key) : '' };
}

describe('DuckDbQueryEngine', () => {
  it('reads a hive-partitioned JSON table, partition columns included, in the query context database', async () => {
    const { status, file } = await run('select id, ryder, year, month, day from rydebookings order by id');
    expect(status.state).toBe('SUCCEEDED');
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('id,ryder,year,month,day');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual(['1,r1', '2,r2', '3,r1']);
    expect(lines[3]).toMatch(/,2024,0?1,0?3$/);
  });

  it('writes CSV with a header at <folder><id>.csv and a .metadata side file', async () => {
    const { id, status, file } = await run(
      '-- header comment\nselect b.ryder, r.name from rydebookings b join "wildrydes-external".ryders r using (ryder) order by b.id; -- done',
    );
    expect(status.result).toMatchObject({ bucket: 'results', key: `raw/${id}.csv`, rowCount: 3 });
    expect(fs.readFileSync(file, 'utf8')).toBe('ryder,name\nr1,Ann\nr2,Bo\nr1,Ann\n');
    expect(status.result?.bytes).toBe(fs.statSync(file).size);
    const metadata = JSON.parse(fs.readFileSync(`${file}.metadata`, 'utf8'));
    expect(metadata).toEqual({ columns: [{ name: 'ryder', type: 'VARCHAR' }, { name: 'name', type: 'VARCHAR' }], rowCount: 3, format: 'csv' });
    expect(fs.readdirSync(path.join(root, 'staging')).filter((f) => !f.startsWith('.'))).toEqual([]);
  });

  it('writes newline-delimited JSON', async () => {
    const { id, status, file } = await run('select id from rydebookings where id < 3 order by id', { format: 'json', output: { bucket: 'results', folder: '' } });
    expect(status.result).toMatchObject({ key: `${id}.json`, rowCount: 2 });
    expect(fs.readFileSync(file, 'utf8')).toBe('{"id":1}\n{"id":2}\n');
  });

  it('writes Parquet with key-value metadata readable back', async () => {
    const kvMetadata = { 'adp.run-id': 'run-1', sql_sha256: "it's" };
    const { status, file } = await run('select * from "wildrydes-external".fares', { format: 'parquet', kvMetadata });
    expect(status.result?.rowCount).toBe(3);
    const plain = await DuckDBInstance.create(':memory:');
    const c = await plain.connect();
    const read = await c.runAndReadAll(`SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('${file}') ORDER BY k`);
    expect(read.getRowObjectsJS()).toEqual([{ k: 'adp.run-id', v: 'run-1' }, { k: 'sql_sha256', v: "it's" }]);
    c.closeSync();
    plain.closeSync();
  });

  it('resolves unqualified names in the request database', async () => {
    const { status } = await run('select count(*) as n from ryders', { database: 'wildrydes-external' });
    expect(status.result?.rowCount).toBe(1);
  });

  it('returns the same id for the same idempotency key and runs the query once', async () => {
    const req = request('select 1 as one');
    const [a, b] = await Promise.all([engine.start(req), engine.start(req)]);
    expect(b).toBe(a);
    expect(await engine.start(req)).toBe(a);
    const status = await finished(a);
    expect(status.state).toBe('SUCCEEDED');
    expect(fs.readdirSync(path.join(paths.bucketDir('results'), 'raw')).filter((f) => f.startsWith(a))).toHaveLength(2);
  });

  it('cancels a running query by interrupting it, and leaves no file', async () => {
    // Days of work on any machine: it ends CANCELLED only if the interrupt stopped it (cancel gives
    // up after a few seconds, leaving a query that ignores interrupts RUNNING).
    const id = await engine.start(request('select count(*) from range(1000000000) a, range(1000000000) b'));
    for (let i = 0; (await engine.status(id)).state !== 'RUNNING'; i++) {
      if (i > 1000) throw new Error('the query never started');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await engine.cancel(id);
    expect((await engine.status(id)).state).toBe('CANCELLED');
    expect(fs.readdirSync(path.join(root, 'staging')).filter((f) => f.startsWith(id))).toEqual([]);
  });

  it('reports a syntax error as FAILED with QueryFailedError', async () => {
    const { status } = await run('select from where');
    expect(status.state).toBe('FAILED');
    expect(status.error).toBeInstanceOf(QueryFailedError);
    expect(status.error?.message).toMatch(/syntax error/i);
  });

  it('explains a query, and refuses an unknown table with DuckDB’s binder message', async () => {
    expect(await engine.explain('select count(*) from rydebookings', 'wildrydes')).toMatch(/READ_JSON/i);
    await expect(engine.explain('select * from nope', 'wildrydes')).rejects.toThrow(QueryFailedError);
    await expect(engine.explain('select nope from rydebookings', 'wildrydes')).rejects.toThrow(/nope/);
    await expect(engine.explain('select 1', 'no-such-db')).rejects.toThrow(NotFoundError);
  });

  it('says where a table without files should have them, and reads it once they appear', async () => {
    const { status } = await run('select * from later');
    expect(status.error).toBeInstanceOf(QueryFailedError);
    expect(status.error?.message).toContain(`table wildrydes.later has no files at ${path.join(paths.bucketDir('lake'), 'later')}`);
    write(path.join(paths.bucketDir('lake'), 'later/a.csv'), 'x\n7\n');
    const again = await run('select * from later');
    expect(again.status.result?.rowCount).toBe(1);
  });

  it('makes each view when a query first names its table: in any case, qualified, joined, under a CTE', async () => {
    // A fresh engine: no query has named a table yet.
    const lazy = await DuckDbQueryEngine.open({ paths, stagingDir: path.join(root, 'staging-lazy'), tables });
    const runOn = async (sql: string, database = 'wildrydes') => {
      const id = await lazy.start(request(sql, { database }));
      for (let i = 0; i < 1000; i += 1) {
        const status = await lazy.status(id);
        if (!['QUEUED', 'RUNNING'].includes(status.state)) return status;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error(`query ${id} did not finish`);
    };
    try {
      expect((await runOn('select 1 as one')).state).toBe('SUCCEEDED');
      expect((await runOn('select count(*) as n from RYDERS', 'wildrydes-external')).result?.rowCount).toBe(1);
      expect((await runOn('select count(*) as n from "wildrydes-external".fares')).result?.rowCount).toBe(1);
      expect((await runOn('with x as (select 1 as id) select b.id from x join rydebookings b on b.id = x.id')).result?.rowCount).toBe(1);
      expect((await runOn('with rydebookings as (select 9 as id) select id from rydebookings')).result?.rowCount).toBe(1);
      // Names that are no catalog table (DuckDB's own catalog here) make every view first, as before.
      const views = await runOn("select count(*) as n from information_schema.tables where table_schema = 'wildrydes-external'");
      expect(views.state).toBe('SUCCEEDED');
      const out = fs.readFileSync(paths.filePath(views.result!.bucket, views.result!.key), 'utf8');
      expect(out.trim().split('\n')[1]).toBe('2');
    } finally {
      await lazy.close();
    }
  });

  it('reports an unknown id as a transient failure', async () => {
    const status = await engine.status('00000000-0000-0000-0000-000000000000');
    expect(status.state).toBe('FAILED');
    expect(status.error).toBeInstanceOf(TransientError);
  });
});
