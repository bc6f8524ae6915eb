import type { Table } from '@aws-sdk/client-glue';
import { describe, expect, it } from 'vitest';
import { glueTableInput, tableInfoFromGlue } from './glue-table.js';

const table = (serde: string, extra: Partial<Table> = {}, serdeParams: Record<string, string> = {}): Table => ({
  Name: 't',
  DatabaseName: 'db',
  ...extra,
  StorageDescriptor: { Location: 's3://lake/t', SerdeInfo: { SerializationLibrary: serde, Parameters: serdeParams }, ...extra.StorageDescriptor },
});

describe('Glue table mapping', () => {
  it.each([
    ['org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe', {}, 'parquet'],
    ['org.openx.data.jsonserde.JsonSerDe', {}, 'json'],
    ['org.apache.hive.hcatalog.data.JsonSerDe', {}, 'json'],
    ['org.apache.hadoop.hive.serde2.OpenCSVSerde', {}, 'csv'],
    ['org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe', { 'field.delim': ',' }, 'csv'],
  ])('reads %s as %s', (serde, params, format) => {
    expect(tableInfoFromGlue('db', table(serde, {}, params))).toMatchObject({ format });
  });

  it('falls back to the input format, then to the crawler classification', () => {
    expect(tableInfoFromGlue('db', table('', { StorageDescriptor: { InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat' } }))).toMatchObject({ format: 'parquet' });
    expect(tableInfoFromGlue('db', table('', { Parameters: { classification: 'JSON' } }))).toMatchObject({ format: 'json' });
  });

  it.each([
    [table('org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe', {}, { 'field.delim': '\t' }), /separated by "\\t"/],
    [table('org.apache.hadoop.hive.ql.io.orc.OrcSerde'), /ORC/],
    [table('org.apache.hadoop.hive.serde2.avro.AvroSerDe'), /Avro/],
    [table('com.amazon.ionhiveserde.IonHiveSerDe'), /IonHiveSerDe.*not json, csv or parquet/],
    [{ ...table(''), TableType: 'VIRTUAL_VIEW' }, /view/],
    [{ ...table('org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'), Parameters: { table_type: 'ICEBERG' } }, /Iceberg/],
    [table('org.openx.data.jsonserde.JsonSerDe', { StorageDescriptor: { Location: 'hdfs://x/y' } }), /not an s3:\/\/ URI/],
  ])('reports what it cannot read (%#)', (t, reason) => {
    const info = tableInfoFromGlue('db', t);
    expect(info).toHaveProperty('unsupported');
    expect((info as { unsupported: string }).unsupported).toMatch(reason);
  });

  it('splits the location into bucket and a prefix ending with "/", and partition keys mean hive partitioning', () => {
    expect(tableInfoFromGlue('db', table('org.openx.data.jsonserde.JsonSerDe', { PartitionKeys: [{ Name: 'year' }] }))).toEqual({
      database: 'db',
      name: 't',
      location: { bucket: 'lake', prefix: 't/' },
      format: 'json',
      hivePartitioning: true,
    });
    const root = table('org.openx.data.jsonserde.JsonSerDe', { StorageDescriptor: { Location: 's3a://lake' } });
    expect(tableInfoFromGlue('db', root)).toMatchObject({ location: { bucket: 'lake', prefix: '' }, hivePartitioning: false });
  });

  it('writes a new table with the usual classes of its format', () => {
    const input = glueTableInput({ database: 'db', name: 'n', location: { bucket: 'lake', prefix: 'n/' }, format: 'csv', hivePartitioning: false }, undefined);
    expect(input).toMatchObject({
      Name: 'n',
      TableType: 'EXTERNAL_TABLE',
      Parameters: { classification: 'csv', EXTERNAL: 'TRUE', 'skip.header.line.count': '1' },
      StorageDescriptor: { Location: 's3://lake/n/', SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.serde2.OpenCSVSerde' }, Columns: [] },
    });
  });

  it('keeps what it does not own when updating: columns, partition keys, description, the SerDe of an unchanged format', () => {
    const existing: Table = {
      ...table('org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe', { PartitionKeys: [{ Name: 'dt', Type: 'string' }] }, { 'field.delim': ',' }),
      Description: 'rides',
      CreateTime: new Date(),
      Parameters: { owner: 'team' },
    };
    existing.StorageDescriptor!.Columns = [{ Name: 'id', Type: 'bigint' }];
    const input = glueTableInput({ database: 'db', name: 't', location: { bucket: 'lake2', prefix: 'rides/' }, format: 'csv', hivePartitioning: true }, existing);
    expect(input).toMatchObject({
      Description: 'rides',
      PartitionKeys: [{ Name: 'dt', Type: 'string' }],
      Parameters: { owner: 'team', classification: 'csv' },
      StorageDescriptor: { Location: 's3://lake2/rides/', Columns: [{ Name: 'id', Type: 'bigint' }], SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe' } },
    });
    expect(input).not.toHaveProperty('CreateTime');
    const toParquet = glueTableInput({ database: 'db', name: 't', location: { bucket: 'lake', prefix: 't/' }, format: 'parquet', hivePartitioning: true }, existing);
    expect(toParquet.StorageDescriptor?.SerdeInfo?.SerializationLibrary).toBe('org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe');
  });
});
