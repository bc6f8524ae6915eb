import type { StorageDescriptor, Table, TableInput } from '@aws-sdk/client-glue';
import type { TableFormat, TableInfo } from '../../../ports/catalog.js';
import { parseS3Uri, s3Uri } from '../s3-uri.js';

/** A Glue table adp cannot describe as a {@link TableInfo}, and why. */
export interface UnsupportedTable {
  readonly unsupported: string;
}

const TEXT_INPUT = 'org.apache.hadoop.mapred.TextInputFormat';
const TEXT_OUTPUT = 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat';

/** What Athena and Glue crawlers write for each format adp reads. */
const STORAGE: Readonly<Record<TableFormat, Pick<StorageDescriptor, 'InputFormat' | 'OutputFormat' | 'SerdeInfo'>>> = {
  parquet: {
    InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
    OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
    SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe', Parameters: { 'serialization.format': '1' } },
  },
  json: {
    InputFormat: TEXT_INPUT,
    OutputFormat: TEXT_OUTPUT,
    SerdeInfo: { SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe', Parameters: { 'serialization.format': '1' } },
  },
  csv: {
    InputFormat: TEXT_INPUT,
    OutputFormat: TEXT_OUTPUT,
    SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.serde2.OpenCSVSerde', Parameters: { separatorChar: ',', quoteChar: '"' } },
  },
};

/**
 * The format of a Glue table from its SerDe, then its input format, then the
 * crawler's `classification`: Parquet, JSON (OpenX or Hive JSON SerDe) or
 * CSV (OpenCSVSerde, or LazySimpleSerDe delimited by ','). Anything else
 * (ORC, Avro, Ion, tab- or \u0001-delimited text) is reported unsupported.
 */
export function glueTableFormat(table: Table): TableFormat | UnsupportedTable {
  const sd = table.StorageDescriptor ?? {};
  const serde = sd.SerdeInfo?.SerializationLibrary ?? '';
  const input = sd.InputFormat ?? '';
  const classification = (table.Parameters?.classification ?? sd.Parameters?.classification ?? '').toLowerCase();
  if (/parquet/i.test(serde) || /parquet/i.test(input)) return 'parquet';
  if (/JsonSerDe/i.test(serde)) return 'json';
  if (/OpenCSVSerde/i.test(serde)) return 'csv';
  if (/LazySimpleSerDe/i.test(serde)) {
    const params = sd.SerdeInfo?.Parameters ?? {};
    const delimiter = params['field.delim'] ?? params['serialization.format'];
    if (delimiter === ',') return 'csv';
    return { unsupported: `it is delimited text separated by ${JSON.stringify(delimiter ?? '\u0001')}, not ','` };
  }
  if (/orc/i.test(serde) || /orc/i.test(input)) return { unsupported: 'it is stored as ORC' };
  if (/avro/i.test(serde) || /avro/i.test(input)) return { unsupported: 'it is stored as Avro' };
  if (classification === 'parquet' || classification === 'json' || classification === 'csv') return classification;
  return { unsupported: `its format (SerDe '${serde || 'none'}', input format '${input || 'none'}') is not json, csv or parquet` };
}

/**
 * A Glue table as the catalog port sees it: `StorageDescriptor.Location`
 * (`s3://bucket/prefix`) split into bucket and prefix (ending with "/", or ""
 * for a whole bucket), the format from {@link glueTableFormat}, hive
 * partitioning when the table has partition keys. Views, Iceberg tables and
 * tables stored elsewhere than S3 are reported unsupported.
 *
 * @example
 * tableInfoFromGlue('wildrydes', { Name: 'rydebookings', StorageDescriptor: { Location: 's3://data/rydebookings', SerdeInfo: { SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' } }, PartitionKeys: [{ Name: 'year' }] })
 * // { database: 'wildrydes', name: 'rydebookings', location: { bucket: 'data', prefix: 'rydebookings/' }, format: 'json', hivePartitioning: true }
 */
export function tableInfoFromGlue(database: string, table: Table): TableInfo | UnsupportedTable {
  if (table.TableType === 'VIRTUAL_VIEW') return { unsupported: 'it is a view, not a table over files' };
  if ((table.Parameters?.table_type ?? '').toUpperCase() === 'ICEBERG') return { unsupported: 'it is an Iceberg table' };
  const location = parseS3Uri(table.StorageDescriptor?.Location ?? '');
  if (!location) return { unsupported: `its location '${table.StorageDescriptor?.Location ?? ''}' is not an s3:// URI` };
  const format = glueTableFormat(table);
  if (typeof format !== 'string') return format;
  const prefix = location.key === '' || location.key.endsWith('/') ? location.key : `${location.key}/`;
  return {
    database: table.DatabaseName ?? database,
    name: table.Name ?? '',
    location: { bucket: location.bucket, prefix },
    format,
    hivePartitioning: (table.PartitionKeys?.length ?? 0) > 0,
  };
}

/** Fields of a returned Table that a TableInput may carry back (UpdateTable refuses the others). */
const INPUT_FIELDS = [
  'Name', 'Description', 'Owner', 'LastAccessTime', 'LastAnalyzedTime', 'Retention', 'StorageDescriptor',
  'PartitionKeys', 'ViewOriginalText', 'ViewExpandedText', 'TableType', 'Parameters', 'TargetTable',
] as const satisfies ReadonlyArray<keyof Table & keyof TableInput>;

/**
 * The TableInput that makes Glue describe `info`. An existing table keeps
 * everything adp does not own (columns, partition keys, description,
 * parameters) and, if it is already in the wanted format, its SerDe too (a
 * LazySimpleSerDe CSV stays one): only the location and, when the format
 * changes, the storage classes are rewritten. A new table gets Athena's
 * usual classes for the format and no columns (a crawler or DDL adds them).
 */
export function glueTableInput(info: TableInfo, existing: Table | undefined): TableInput {
  const kept: TableInput = { Name: info.name };
  if (existing) for (const field of INPUT_FIELDS) if (existing[field] !== undefined) Object.assign(kept, { [field]: existing[field] });
  const sameFormat = existing !== undefined && glueTableFormat(existing) === info.format;
  const sd = existing?.StorageDescriptor ?? {};
  return {
    ...kept,
    Name: existing?.Name ?? info.name,
    TableType: existing?.TableType ?? 'EXTERNAL_TABLE',
    Parameters: {
      ...(existing?.Parameters ?? {}),
      EXTERNAL: 'TRUE',
      classification: info.format,
      ...(info.format === 'csv' && !sameFormat ? { 'skip.header.line.count': '1' } : {}),
    },
    PartitionKeys: existing?.PartitionKeys ?? [],
    StorageDescriptor: {
      ...sd,
      Columns: sd.Columns ?? [],
      Location: s3Uri(info.location.bucket, info.location.prefix),
      ...(sameFormat ? {} : STORAGE[info.format]),
    },
  };
}
