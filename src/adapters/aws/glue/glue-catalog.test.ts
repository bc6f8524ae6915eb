import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_CREDENTIALS, TEST_REGION } from '../../../../test/helpers/aws/aws-test-env.js';
import { startGlueServer, type GlueTestServer } from '../../../../test/helpers/aws/glue-server.js';
import { ConfigError, EnvironmentError, TransientError, ValidationError } from '../../../domain/errors.js';
import { GlueCatalog } from './glue-catalog.js';

const JSON_SERDE = { SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' };
const PARQUET_SERDE = { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' };
const CSV_SERDE = { SerializationLibrary: 'org.apache.hadoop.hive.serde2.OpenCSVSerde' };

describe('Glue catalog (Glue protocol server on 127.0.0.1, real AWS SDK)', () => {
  let glue: GlueTestServer;
  let catalog: GlueCatalog;
  beforeEach(async () => {
    glue = await startGlueServer({ pageSize: 2 });
    catalog = new GlueCatalog({ endpoint: glue.endpoint, clientConfig: { region: TEST_REGION, credentials: TEST_CREDENTIALS, maxAttempts: 1 } });
    glue.putTable('wildrydes', { Name: 'rydebookings', StorageDescriptor: { Location: 's3://wildrydes-data/rydebookings', SerdeInfo: JSON_SERDE }, PartitionKeys: [{ Name: 'year', Type: 'string' }] });
    glue.putTable('wildrydes', { Name: 'fares', StorageDescriptor: { Location: 's3://wildrydes-data/fares/', SerdeInfo: PARQUET_SERDE } });
    glue.putTable('wildrydes', { Name: 'zones', StorageDescriptor: { Location: 's3://wildrydes-data/zones/', SerdeInfo: CSV_SERDE } });
    glue.putTable('wildrydes', { Name: 'ryde_view', TableType: 'VIRTUAL_VIEW', StorageDescriptor: {} });
    glue.putTable('wildrydes-external', { Name: 'ryders', StorageDescriptor: { Location: 's3://external/ryders/', SerdeInfo: JSON_SERDE } });
    glue.putDatabase('empty');
  });
  afterEach(async () => {
    await catalog.close();
    await glue.close();
  });

  it('maps each table: location, format per SerDe, partition keys as hive partitioning; names ignore case', async () => {
    expect(await catalog.getTable('wildrydes', 'rydebookings')).toEqual({
      database: 'wildrydes',
      name: 'rydebookings',
      location: { bucket: 'wildrydes-data', prefix: 'rydebookings/' },
      format: 'json',
      hivePartitioning: true,
    });
    expect(await catalog.getTable('WildRydes', 'Fares')).toMatchObject({ name: 'fares', format: 'parquet', hivePartitioning: false });
    expect(await catalog.getTable('wildrydes', 'zones')).toMatchObject({ format: 'csv', location: { prefix: 'zones/' } });
    expect(await catalog.getTable('wildrydes', 'nope')).toBeUndefined();
    expect(await catalog.getTable('nope', 'rydebookings')).toBeUndefined();
  });

  it('says why a Glue table it cannot read is refused', async () => {
    const refused = await catalog.getTable('wildrydes', 'ryde_view').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as Error).message).toMatch(/wildrydes\.ryde_view cannot be used: it is a view/);
  });

  it('lists every table of every database over several pages of GetDatabases and GetTables, skipping what it cannot read', async () => {
    const tables = await catalog.listTables();
    expect(tables.map((t) => `${t.database}.${t.name}`)).toEqual(['wildrydes.fares', 'wildrydes.rydebookings', 'wildrydes.zones', 'wildrydes-external.ryders']);
    const paged = (operation: string) => glue.requests.filter((r) => r.operation === operation && typeof r.input.NextToken === 'string');
    expect(paged('GetDatabases')).toHaveLength(1);
    expect(paged('GetTables')).toHaveLength(1);
    // empty: 1 page, wildrydes: 4 tables in 2 pages, wildrydes-external: 1 page.
    expect(glue.requests.filter((r) => r.operation === 'GetTables')).toHaveLength(4);
  });

  it('knows which databases exist', async () => {
    expect(await catalog.hasDatabase('wildrydes')).toBe(true);
    expect(await catalog.hasDatabase('empty')).toBe(true);
    expect(await catalog.hasDatabase('missing')).toBe(false);
  });

  it('creates a table and its database, then updates it in place keeping its columns', async () => {
    await catalog.putTable({ database: 'curated', name: 'daily', location: { bucket: 'curated-data', prefix: 'daily/' }, format: 'parquet', hivePartitioning: false });
    expect(await catalog.hasDatabase('curated')).toBe(true);
    expect(await catalog.getTable('curated', 'daily')).toEqual({ database: 'curated', name: 'daily', location: { bucket: 'curated-data', prefix: 'daily/' }, format: 'parquet', hivePartitioning: false });
    glue.putTable('curated', { Name: 'daily', StorageDescriptor: { Location: 's3://curated-data/daily/', SerdeInfo: PARQUET_SERDE, Columns: [{ Name: 'id', Type: 'bigint' }] } });
    await catalog.putTable({ database: 'curated', name: 'daily', location: { bucket: 'curated-data', prefix: 'v2/daily' }, format: 'json', hivePartitioning: false });
    expect(await catalog.getTable('curated', 'daily')).toMatchObject({ format: 'json', location: { prefix: 'v2/daily/' } });
    const update = glue.requests.find((r) => r.operation === 'UpdateTable')!;
    expect(update.input).toMatchObject({ DatabaseName: 'curated', TableInput: { StorageDescriptor: { Columns: [{ Name: 'id', Type: 'bigint' }] } } });
  });

  it('refuses hive partitioning Glue cannot express without partition columns', async () => {
    const table = { database: 'wildrydes', name: 'new_one', location: { bucket: 'lake', prefix: 'n/' }, format: 'json' as const, hivePartitioning: true };
    await expect(catalog.putTable(table)).rejects.toThrow(ValidationError);
    await expect(catalog.putTable({ ...table, name: 'rydebookings', hivePartitioning: false })).rejects.toThrow(/partitioned by year: hivePartitioning must be true/);
    await catalog.putTable({ ...table, name: 'rydebookings' });
  });

  it('turns throttling into TransientError and refused credentials into EnvironmentError', async () => {
    glue.failNext(1, { operation: 'GetTable' });
    await expect(catalog.getTable('wildrydes', 'fares')).rejects.toThrow(TransientError);
    glue.failNext(1, { operation: 'GetDatabase', type: 'AccessDeniedException' });
    const denied = await catalog.hasDatabase('wildrydes').catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(EnvironmentError);
    expect((denied as Error).message).toMatch(/Glue refused GetDatabase on database wildrydes \(AccessDeniedException/);
  });
});
