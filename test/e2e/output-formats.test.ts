import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CurationDefinition } from '../../src/domain/curation.js';
import type { HistoryRecord } from '../../src/domain/history.js';
import type { OutputManifest } from '../../src/domain/output-options.js';
import { createRun } from '../../src/engine/create-run.js';
import { executeRun } from '../../src/engine/run-workflow.js';
import { cleanup } from '../helpers/cli.js';
import { commitScript } from '../helpers/git.js';
import { openExample } from '../helpers/project.js';

// Every output format and option, run through the whole workflow on the embedded driver
// and read back with a separate DuckDB: rows, types, metadata, partitions, checksums.

const ROWS = 300;
const SQL = `select booking_id, status, distance_km, fare_usd, booked_at::timestamp as booked_at,
  case when status = 'cancelled' then null else unicorn_name end as unicorn,
  'say "hi", then; go' as note
from wildrydes.rydebookings`;

type Ex = Awaited<ReturnType<typeof openExample>>;
let ex: Ex;
let duck: Awaited<ReturnType<DuckDBInstance['connect']>>;
let instance: DuckDBInstance;
let sample: CurationDefinition;

async function rows(sql: string): Promise<unknown[][]> {
  return (await duck.runAndReadAll(sql)).getRowsJS();
}

async function runWith(type: string, outputDetails: Partial<CurationDefinition['outputDetails']>): Promise<HistoryRecord> {
  await ex.project.state.putCuration({
    ...sample,
    curationType: type,
    sqlFilePath: 'formats/q.sql',
    enabled: false,
    outputDetails: { ...sample.outputDetails, outputFolderPath: `formats/${type}/`, filename: type, includeTimestampInFilename: true, ...outputDetails },
    athenaDetails: { ...sample.athenaDetails, deleteAthenaQueryFile: true },
  });
  const run = await createRun(ex.deps, { curationType: type, trigger: 'manual' });
  const record = await executeRun(ex.deps, run.executionName);
  expect(record.status, record.errorCause?.errorMessage).toBe('succeeded');
  return record;
}

const fileOf = (record: HistoryRecord) => fileURLToPath(record.curationOutputLocation!);
const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

beforeAll(async () => {
  ex = await openExample(ROWS);
  commitScript(ex.home, 'formats/q.sql', SQL);
  sample = (await ex.project.state.getCuration('wildrydes-rydebooking'))!.definition;
  instance = await DuckDBInstance.create(':memory:');
  duck = await instance.connect();
});
afterAll(async () => {
  duck?.closeSync();
  instance?.closeSync();
  await ex?.project.close();
  if (ex) cleanup(ex.home);
});

describe('output formats, read back with DuckDB', () => {
  it('csv with a delimiter, quote, escape, NULL string and every value quoted, gzip-compressed: .csv.gz', async () => {
    const record = await runWith('csv-gz', {
      format: 'csv',
      compression: 'gzip',
      csv: { delimiter: ';', quote: "'", escape: '\\', nullString: 'NA', quoteAll: true, header: true },
    });
    const file = fileOf(record);
    expect(file.endsWith('.csv.gz')).toBe(true);
    expect(record.publishedFilename).toMatch(/^csv-gz\d{14}\.csv\.gz$/);
    expect(record.publishedOutput).toEqual({ format: 'csv', compression: 'gzip', writeMode: 'new', files: 1 });
    const back = await rows(
      `select count(*), count(unicorn), count(*) filter (status <> 'cancelled'), min(note) from read_csv('${file}', delim=';', quote='''', escape='\\', nullstr='NA', header=true)`,
    );
    expect(Number(back[0]![0])).toBe(record.rowCount);
    expect(Number(back[0]![1])).toBe(Number(back[0]![2]));
    expect(back[0]![3]).toBe('say "hi", then; go');
    const lines = gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n');
    expect(lines[0]).toBe("'booking_id';'status';'distance_km';'fare_usd';'booked_at';'unicorn';'note'");
    expect(lines.find((l) => l.includes(";NA;"))).toBeDefined();
    expect(lines[1]).toMatch(/^'[^']*';'/);
  });

  it('csv defaults are the sample’s: header, comma, quotes only where needed, no compression', async () => {
    const record = await runWith('csv-plain', {});
    const text = fs.readFileSync(fileOf(record), 'utf8');
    expect(text.split('\n')[0]).toBe('booking_id,status,distance_km,fare_usd,booked_at,unicorn,note');
    expect(text.split('\n')[1]).toMatch(/,"say ""hi"", then; go"$/);
    expect(fileOf(record).endsWith('.csv')).toBe(true);
  });

  it('json is newline-delimited, zstd-compressed as .json.zst; types survive', async () => {
    const record = await runWith('json-zst', { format: 'json', compression: 'zstd' });
    const file = fileOf(record);
    expect(file.endsWith('.json.zst')).toBe(true);
    const back = await rows(`select count(*), typeof(any_value(distance_km)) from read_json('${file}', format='newline_delimited')`);
    expect(Number(back[0]![0])).toBe(record.rowCount);
    expect(back[0]![1]).toBe('DOUBLE');
  });

  it('parquet: zstd by default, the row-group size asked for, provenance in the key-value metadata, column types kept', async () => {
    const record = await runWith('pq', { format: 'parquet', parquet: { rowGroupSize: 1024 } });
    const file = fileOf(record);
    expect(file.endsWith('.parquet')).toBe(true);
    expect(record.publishedOutput).toMatchObject({ format: 'parquet', compression: 'zstd', files: 1 });
    const codecs = await rows(`select distinct compression from parquet_metadata('${file}')`);
    expect(codecs).toEqual([['ZSTD']]);
    const kv = await rows(`select decode(key), decode(value) from parquet_kv_metadata('${file}')`);
    expect(kv).toContainEqual(['adp-execution-name', record.curationExecutionName]);
    const types = await rows(`select column_name, column_type from (describe select * from read_parquet('${file}'))`);
    expect(Object.fromEntries(types)).toMatchObject({ distance_km: 'DOUBLE', booked_at: 'TIMESTAMP', unicorn: 'VARCHAR' });
    expect(Number((await rows(`select count(*) from read_parquet('${file}')`))[0]![0])).toBe(ROWS);
  });

  it('parquet with snappy: the codec is the one asked for', async () => {
    const record = await runWith('pq-snappy', { format: 'parquet', compression: 'snappy' });
    expect(await rows(`select distinct compression from parquet_metadata('${fileOf(record)}')`)).toEqual([['SNAPPY']]);
  });

  it('partitionBy: a hive folder with _manifest.json (rows, bytes, SHA-256 of every file) and _SUCCESS; rows and partitions read back', async () => {
    const record = await runWith('pq-part', { format: 'parquet', partitionBy: ['status'] });
    const folder = fileOf(record);
    expect(record.curationOutputLocation!.endsWith('/')).toBe(true);
    expect(record.publishedFilename).toMatch(/^pq-part\d{14}\/$/);
    expect(fs.existsSync(path.join(folder, '_SUCCESS'))).toBe(true);
    const manifest = JSON.parse(fs.readFileSync(path.join(folder, '_manifest.json'), 'utf8')) as OutputManifest;
    expect(manifest.partitionBy).toEqual(['status']);
    expect(manifest.rowCount).toBe(ROWS);
    expect(manifest.metadata['adp-execution-name']).toBe(record.curationExecutionName);
    for (const f of manifest.files) {
      expect(f.path).toMatch(/^status=[a-z_]+\/[^/]+\.parquet$/);
      expect(sha256(path.join(folder, f.path))).toBe(f.sha256);
      expect(fs.statSync(path.join(folder, f.path)).size).toBe(f.bytes);
      const [[n]] = (await rows(`select count(*) from read_parquet('${path.join(folder, f.path)}')`)) as [[bigint]];
      expect(Number(n)).toBe(f.rows);
    }
    const byStatus = await rows(`select status, count(*) from read_parquet('${folder}/**/*.parquet', hive_partitioning=true) group by status order by status`);
    expect(byStatus.map((r) => r[0])).toEqual(manifest.files.map((f) => f.path.split('/')[0]!.slice('status='.length)).sort());
    expect(record.publishedOutput).toMatchObject({ partitionBy: ['status'], files: manifest.files.length });
    expect(record.bytesWritten).toBe(manifest.bytes + fs.statSync(path.join(folder, '_manifest.json')).size);
    // Nothing of the raw result is left (deleteAthenaQueryFile): no staging folder, no side file.
    const rawFolder = path.join(ex.home, 'buckets', sample.athenaDetails!.athenaOutputBucket!, sample.athenaDetails!.athenaOutputFolderPath!);
    expect(fs.readdirSync(rawFolder).filter((n) => n.includes(record.athenaQueryExecutionId!))).toEqual([]);
  });

  it('partitioned gzip csv: rows per file counted with the options it was written with', async () => {
    const record = await runWith('csv-part', { format: 'csv', compression: 'gzip', csv: { delimiter: '|' }, partitionBy: ['status'] });
    const folder = fileOf(record);
    const manifest = JSON.parse(fs.readFileSync(path.join(folder, '_manifest.json'), 'utf8')) as OutputManifest;
    expect(manifest.rowCount).toBe(ROWS);
    expect(manifest.files.every((f) => f.path.endsWith('.csv.gz'))).toBe(true);
    const back = await rows(`select count(*) from read_csv('${folder}/**/*.csv.gz', delim='|', hive_partitioning=true)`);
    expect(Number(back[0]![0])).toBe(ROWS);
  });

  it('a partition column the result lacks fails the run naming outputDetails.partitionBy; nothing is published', async () => {
    await ex.project.state.putCuration({
      ...sample,
      curationType: 'part-missing',
      sqlFilePath: 'formats/q.sql',
      enabled: false,
      outputDetails: { ...sample.outputDetails, outputFolderPath: 'formats/part-missing/', format: 'parquet', partitionBy: ['city'] },
    });
    const run = await createRun(ex.deps, { curationType: 'part-missing', trigger: 'manual' });
    const record = await executeRun(ex.deps, run.executionName);
    expect(record.status).toBe('failed');
    expect(record.errorCause?.errorMessage).toMatch(/outputDetails\.partitionBy: the query result has no column 'city'/);
    expect(fs.existsSync(path.join(ex.home, 'buckets', sample.outputDetails.outputBucket, 'formats', 'part-missing'))).toBe(false);
  });
});

describe('writeMode', () => {
  it('replace: one stable name, replaced by each run (file and partitioned folder); the old content is gone whole', async () => {
    for (const partitionBy of [undefined, ['status']]) {
      const type = partitionBy ? 'replace-part' : 'replace-file';
      const details = { format: 'parquet' as const, writeMode: 'replace' as const, includeTimestampInFilename: false, ...(partitionBy ? { partitionBy } : {}) };
      const first = await runWith(type, details);
      const second = await runWith(type, details);
      expect(second.curationOutputLocation).toBe(first.curationOutputLocation);
      expect(second.publishedOutput?.writeMode).toBe('replace');
      const where = fileOf(second);
      if (partitionBy) {
        const manifest = JSON.parse(fs.readFileSync(path.join(where, '_manifest.json'), 'utf8')) as OutputManifest;
        expect(manifest.metadata['adp-execution-name']).toBe(second.curationExecutionName);
        // Only the second run's files are there.
        const onDisk = fs.readdirSync(where, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).length;
        expect(onDisk).toBe(manifest.files.length + 2);
      } else {
        const kv = await rows(`select decode(value) from parquet_kv_metadata('${where}') where decode(key) = 'adp-execution-name'`);
        expect(kv).toEqual([[second.curationExecutionName]]);
      }
      const siblings = fs.readdirSync(path.dirname(where.replace(/\/$/, ''))).filter((n) => !n.startsWith('.'));
      expect(siblings).toEqual([path.basename(where)]);
    }
  });

  it('new with a fixed filename: every run its own object (-2, -3, …), none replaced', async () => {
    const details = { writeMode: 'new' as const, includeTimestampInFilename: false };
    const a = await runWith('new-fixed', details);
    const b = await runWith('new-fixed', details);
    expect(a.publishedFilename).toBe('new-fixed.csv');
    expect(b.publishedFilename).toBe('new-fixed-2.csv');
    expect(fs.existsSync(fileOf(a))).toBe(true);
  });

  it('new partitioned folders take -2 when the name is taken', async () => {
    const details = { format: 'parquet' as const, writeMode: 'new' as const, includeTimestampInFilename: false, partitionBy: ['status'] };
    const a = await runWith('new-part', details);
    const b = await runWith('new-part', details);
    expect(a.publishedFilename).toBe('new-part/');
    expect(b.publishedFilename).toBe('new-part-2/');
    expect(fs.existsSync(path.join(fileOf(a), '_SUCCESS'))).toBe(true);
  });
});

describe('a partitioned query stopped halfway', () => {
  it('leaves nothing visible: no folder, file or side file in the raw bucket while it runs or after it was cancelled', async () => {
    const out = { bucket: sample.athenaDetails!.athenaOutputBucket!, folder: 'halfway/' };
    const id = await ex.deps.queries.start({
      sql: 'select range % 100 as p, range as v, md5(range::varchar) as h from range(300000000)',
      database: sample.glueDetails.database,
      output: out,
      format: 'parquet',
      write: { compression: 'zstd', csv: { header: true, delimiter: ',', quote: '"', escape: '"', quoteAll: false, nullString: '' }, parquet: {}, partitionBy: ['p'] },
      idempotencyKey: 'halfway-1',
    });
    for (let i = 0; i < 200 && (await ex.deps.queries.status(id)).state !== 'RUNNING'; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 200));
    const visible = async () => (await ex.deps.objects.list(out.bucket, out.folder).catch(() => [])).filter((k) => k.includes(id));
    expect(await visible()).toEqual([]);
    await ex.deps.queries.cancel(id);
    expect((await ex.deps.queries.status(id)).state).toBe('CANCELLED');
    expect(await visible()).toEqual([]);
    expect(fs.readdirSync(path.join(ex.home, '.adp', 'staging', `p${process.pid}`)).filter((n) => n.includes(id))).toEqual([]);
  });
});
