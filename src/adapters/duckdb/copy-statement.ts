import type { OutputFormat } from '../../domain/curation.js';
import { resolveFileWriteOptions, type FileWriteOptions } from '../../domain/output-options.js';
import { quoteIdent, quoteString } from './sql-literals.js';

/** Options of DuckDB's COPY for each output format: CSV (header, delimiter, quoting), newline-delimited JSON, Parquet (codec, row groups, key-value metadata). */
function formatOptions(format: OutputFormat, kvMetadata: Readonly<Record<string, string>> | undefined, write: FileWriteOptions): string[] {
  const compressed = write.compression === 'none' ? [] : [`COMPRESSION ${write.compression}`];
  switch (format) {
    case 'csv': {
      const c = write.csv;
      return [
        'FORMAT csv',
        `HEADER ${c.header}`,
        `DELIMITER ${quoteString(c.delimiter)}`,
        `QUOTE ${quoteString(c.quote)}`,
        `ESCAPE ${quoteString(c.escape)}`,
        ...(c.nullString !== '' ? [`NULLSTR ${quoteString(c.nullString)}`] : []),
        ...(c.quoteAll ? ['FORCE_QUOTE *'] : []),
        ...compressed,
      ];
    }
    case 'json':
      return ['FORMAT json', ...compressed];
    case 'parquet': {
      const pairs = Object.entries(kvMetadata ?? {}).map(([k, v]) => `${quoteString(k)}: ${quoteString(v)}`);
      return [
        'FORMAT parquet',
        `COMPRESSION ${write.compression === 'none' ? 'uncompressed' : write.compression}`,
        ...(write.parquet.rowGroupSize !== undefined ? [`ROW_GROUP_SIZE ${write.parquet.rowGroupSize}`] : []),
        ...(pairs.length > 0 ? [`KV_METADATA {${pairs.join(', ')}}`] : []),
      ];
    }
  }
}

/**
 * The statement that runs a checked query and lets DuckDB write its result
 * straight to `file` (a folder of `col=value/` files when `write.partitionBy`
 * is set; Parquet then returns each file's rows, `RETURN_STATS`); the query
 * body goes on lines of its own so a trailing line comment cannot reach the wrapper.
 *
 * @example
 * copyStatement('select 1 as a', '/staging/q.csv', 'csv')
 * // "COPY (\nselect 1 as a\n) TO '/staging/q.csv' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"', ESCAPE '\"')"
 */
export function copyStatement(
  body: string,
  file: string,
  format: OutputFormat,
  kvMetadata?: Readonly<Record<string, string>>,
  write: FileWriteOptions = resolveFileWriteOptions({ format }),
): string {
  const options = formatOptions(format, kvMetadata, write);
  if (write.partitionBy) {
    options.push(`PARTITION_BY (${write.partitionBy.map(quoteIdent).join(', ')})`);
    if (format === 'parquet') options.push('RETURN_STATS');
  }
  return `COPY (\n${body}\n) TO ${quoteString(file)} (${options.join(', ')})`;
}
