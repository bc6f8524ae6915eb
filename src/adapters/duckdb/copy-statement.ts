import type { OutputFormat } from '../../domain/curation.js';
import { quoteString } from './sql-literals.js';

/** Options of DuckDB's COPY for each output format: CSV with a header row, newline-delimited JSON, Parquet. */
function formatOptions(format: OutputFormat, kvMetadata: Readonly<Record<string, string>> | undefined): string {
  switch (format) {
    case 'csv':
      return 'FORMAT csv, HEADER true';
    case 'json':
      return 'FORMAT json';
    case 'parquet': {
      const pairs = Object.entries(kvMetadata ?? {}).map(([k, v]) => `${quoteString(k)}: ${quoteString(v)}`);
      return pairs.length === 0 ? 'FORMAT parquet' : `FORMAT parquet, KV_METADATA {${pairs.join(', ')}}`;
    }
  }
}

/**
 * The statement that runs a checked query and lets DuckDB write its result
 * straight to `file`; the query body goes on lines of its own so a trailing
 * line comment cannot reach the wrapper.
 *
 * @example
 * copyStatement('select 1 as a', '/staging/q.csv', 'csv')
 * // "COPY (\nselect 1 as a\n) TO '/staging/q.csv' (FORMAT csv, HEADER true)"
 */
export function copyStatement(
  body: string,
  file: string,
  format: OutputFormat,
  kvMetadata?: Readonly<Record<string, string>>,
): string {
  return `COPY (\n${body}\n) TO ${quoteString(file)} (${formatOptions(format, kvMetadata)})`;
}
