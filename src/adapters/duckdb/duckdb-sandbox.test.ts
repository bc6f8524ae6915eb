import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxError } from '../../domain/errors.js';
import type { QueryStatus } from '../../ports/query-engine.js';
import { BucketPaths } from '../localfs/bucket-paths.js';
import { DuckDbQueryEngine } from './duckdb-query-engine.js';

let root: string;
let engine: DuckDbQueryEngine;
let dataDir: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'adp-'));
  const paths = new BucketPaths(path.join(root, 'buckets'));
  dataDir = path.join(paths.bucketDir('lake'), 'rides');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'r.csv'), 'id\n1\n');
  fs.writeFileSync(path.join(root, 'adp.config.json'), '{"secret":"s3cr3t"}\n');
  fs.writeFileSync(path.join(paths.bucketDir('lake'), 'rides-private.csv'), 'secret\n1\n');
  engine = await DuckDbQueryEngine.open({
    paths,
    stagingDir: path.join(root, 'staging'),
    tables: [{ database: 'wild', name: 'rides', location: { bucket: 'lake', prefix: 'rides' }, format: 'csv', hivePartitioning: false }],
  });
});

afterAll(async () => {
  await engine?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

async function finished(id: string): Promise<QueryStatus> {
  for (let i = 0; i < 500; i += 1) {
    const status = await engine.status(id);
    if (!['QUEUED', 'RUNNING'].includes(status.state)) return status;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`query ${id} did not finish`);
}

/** Every file under `dir` except DuckDB's spill folder. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => !f.startsWith('.duckdb-tmp'));
}

const escapes: Array<[string, (root: string) => string]> = [
  ['read_text of /etc/passwd', () => "select * from read_text('/etc/passwd')"],
  ['read_csv of a file outside the catalog', (r) => `select * from read_csv('${r}/adp.config.json')`],
  ['read_csv through ..', () => `select * from read_csv('${dataDir}/../../../adp.config.json')`],
  ['a sibling folder sharing the table prefix', () => `select * from read_csv('${dataDir}-private.csv')`],
  ['a quoted file path as a table', () => "select * from '/etc/passwd'"],
  ['glob outside the catalog', () => "select * from glob('/etc/*')"],
  ['COPY TO', (r) => `COPY (select 1) TO '${r}/escape.csv'`],
  ['ATTACH of a file', (r) => `ATTACH '${r}/escape.db' AS x`],
  ['ATTACH of :memory:', () => "ATTACH ':memory:' AS m"],
  ['INSTALL', () => 'INSTALL httpfs'],
  ['LOAD', () => 'LOAD json'],
  ['SET', () => 'SET threads = 1'],
  ['PRAGMA', () => 'PRAGMA show_tables'],
  ['two statements', () => 'select 1; select 2'],
  ['closing the wrapper early', (r) => `select 1) to '${r}/escape.csv' (format csv); --`],
  ['CREATE TABLE', () => 'CREATE TABLE t AS SELECT 1 AS a'],
  ['INSERT', () => 'INSERT INTO wild.rides VALUES (2)'],
  ['WITH … INSERT', () => 'WITH x AS (SELECT 2 AS id) INSERT INTO wild.rides SELECT * FROM x'],
];

describe('DuckDbQueryEngine sandbox', () => {
  it.each(escapes)('refuses %s with a SandboxError and writes nothing', async (_, make) => {
    const sql = make(root);
    const id = await engine.start({ sql, database: 'wild', output: { bucket: 'results', folder: '' }, format: 'csv', idempotencyKey: sql });
    const status = await finished(id);
    expect(status.state).toBe('FAILED');
    expect(status.error).toBeInstanceOf(SandboxError);
    expect(status.error?.message).toMatch(/^sandbox: /);
    await expect(engine.explain(sql, 'wild')).rejects.toThrow(SandboxError);
    expect(filesUnder(path.join(root, 'staging'))).toEqual([]);
    expect(filesUnder(path.join(root, 'buckets', 'results'))).toEqual([]);
    expect(fs.existsSync(path.join(root, 'escape.csv'))).toBe(false);
    expect(fs.existsSync(path.join(root, 'escape.db'))).toBe(false);
  });

  it('still runs a plain query over the catalog table', async () => {
    const sql = 'select * from rides';
    const id = await engine.start({ sql, database: 'wild', output: { bucket: 'results', folder: 'ok/' }, format: 'csv', idempotencyKey: 'ok' });
    expect((await finished(id)).result?.rowCount).toBe(1);
  });
});

describe('sandbox setup', () => {
  it('opens with the limits it is given, and names the setting DuckDB refused', async () => {
    const paths = new BucketPaths(path.join(root, 'buckets'));
    const limited = await DuckDbQueryEngine.open({ paths, stagingDir: path.join(root, 'staging-limited'), tables: [], memoryLimit: '512MB', threads: 1 });
    await limited.close();
    await expect(DuckDbQueryEngine.open({ paths, stagingDir: path.join(root, 'staging-bad'), tables: [], memoryLimit: 'lots' })).rejects.toThrow(
      /^query engine sandbox setup failed at "SET memory_limit = 'lots'": /,
    );
  });
});
