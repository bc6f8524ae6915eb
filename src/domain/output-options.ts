import * as z from 'zod';

// How a result file is written (format options, compression, partitions) and
// how it replaces earlier outputs. Spread into `outputDetails` by curation.ts;
// kept apart so that file keeps to the sample's fields.

type Format = 'csv' | 'parquet' | 'json';

/** One printable character other than a line break: a CSV delimiter, quote or escape. */
const csvChar = (what: string) =>
  z.string().regex(/^[\x20-\x7e\t]$/, `${what} must be one printable ASCII character (or a tab)`);

/** CSV writer options; the defaults are the sample's: a header row, `,`, `"` quoting only where needed. */
export const csvOptionsSchema = z.strictObject({
  header: z.boolean().optional(),
  delimiter: csvChar('delimiter').optional(),
  quote: csvChar('quote').optional(),
  escape: csvChar('escape').optional(),
  /** Quote every value, not only those that need it. */
  quoteAll: z.boolean().optional(),
  /** How a NULL is written (default: an empty field). */
  nullString: z.string().max(16).regex(/^[\x20-\x7e]*$/, 'must be printable ASCII').optional(),
});

/** Parquet writer options. */
export const parquetOptionsSchema = z.strictObject({
  /** Rows per row group (DuckDB's default 122,880). */
  rowGroupSize: z.number().int('must be an integer').min(1024).max(100_000_000).optional(),
});

/** gzip/zstd compress a whole CSV or JSON file (extension `.csv.gz`, `.json.zst`); for Parquet it is the column codec. */
export const COMPRESSIONS = ['none', 'gzip', 'zstd', 'snappy'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

export const WRITE_MODES = ['new', 'replace'] as const;
export type WriteMode = (typeof WRITE_MODES)[number];

const columnName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'partition columns must be 1-128 characters of A-Z a-z 0-9 _, not starting with a digit');

/** Fields added to `outputDetails`; all optional. */
export const outputOptionsShape = {
  compression: z.enum(COMPRESSIONS).optional(),
  csv: csvOptionsSchema.optional(),
  parquet: parquetOptionsSchema.optional(),
  partitionBy: z.array(columnName).min(1).max(16).optional(),
  writeMode: z.enum(WRITE_MODES).optional(),
};

interface OutputOptionFields {
  format?: Format | undefined;
  filename?: string | undefined;
  includeTimestampInFilename?: boolean | undefined;
  compression?: Compression | undefined;
  csv?: z.infer<typeof csvOptionsSchema> | undefined;
  parquet?: z.infer<typeof parquetOptionsSchema> | undefined;
  partitionBy?: string[] | undefined;
  writeMode?: WriteMode | undefined;
}

interface Issue {
  readonly path: (string | number)[];
  readonly message: string;
}

/** The combinations the fields above cannot make, each as an issue naming its field (under `outputDetails`). */
export function outputOptionIssues(out: OutputOptionFields): Issue[] {
  const format = out.format ?? 'csv';
  const issues: Issue[] = [];
  const at = (field: string, message: string) => issues.push({ path: ['outputDetails', field], message });
  if (out.csv && format !== 'csv') at('csv', `applies to format csv only (format is ${format})`);
  if (out.parquet && format !== 'parquet') at('parquet', `applies to format parquet only (format is ${format})`);
  if (out.compression === 'snappy' && format !== 'parquet') at('compression', 'snappy is a Parquet codec: use gzip or zstd for csv and json');
  const c = out.csv;
  if (c?.delimiter !== undefined && c.delimiter === c.quote) at('csv', 'delimiter and quote must differ');
  if (out.partitionBy) {
    if (format === 'json') at('partitionBy', 'partitioned output is written as csv or parquet: DuckDB cannot partition JSON');
    const seen = new Set<string>();
    for (const col of out.partitionBy) {
      if (seen.has(col.toLowerCase())) at('partitionBy', `column '${col}' is named twice`);
      seen.add(col.toLowerCase());
    }
  }
  if (out.writeMode === 'replace' && (!out.filename || out.includeTimestampInFilename)) {
    at('writeMode', 'replace needs a stable name: set outputDetails.filename and leave includeTimestampInFilename off');
  }
  return issues;
}

/** How the engine writes the result file; resolved from the definition with defaults applied. */
export interface FileWriteOptions {
  readonly compression: Compression;
  readonly csv: { header: boolean; delimiter: string; quote: string; escape: string; quoteAll: boolean; nullString: string };
  readonly parquet: { rowGroupSize?: number };
  /** Absent: one file. Present: a hive-partitioned folder (`col=value/…`). */
  readonly partitionBy?: readonly string[];
}

/** Defaults: CSV as the sample writes it; Parquet with zstd; CSV and JSON uncompressed. */
export function resolveFileWriteOptions(out: OutputOptionFields): FileWriteOptions {
  const format = out.format ?? 'csv';
  const c = out.csv ?? {};
  return {
    compression: out.compression ?? (format === 'parquet' ? 'zstd' : 'none'),
    csv: {
      header: c.header ?? true,
      delimiter: c.delimiter ?? ',',
      quote: c.quote ?? '"',
      escape: c.escape ?? c.quote ?? '"',
      quoteAll: c.quoteAll ?? false,
      nullString: c.nullString ?? '',
    },
    parquet: { ...(out.parquet?.rowGroupSize !== undefined ? { rowGroupSize: out.parquet.rowGroupSize } : {}) },
    ...(out.partitionBy ? { partitionBy: [...out.partitionBy] } : {}),
  };
}

/**
 * Whether each run gets a name of its own (`new`: never replaces another
 * run's output; a taken name becomes `-2`, `-3`, …) or replaces the object at
 * a stable name (`replace`). Without `writeMode`, as the sample: a name that
 * is the run's own (timestamped, or the query id) is `new`; a fixed
 * `filename` is replaced by every run.
 */
export function resolveWriteMode(out: OutputOptionFields): WriteMode {
  if (out.writeMode) return out.writeMode;
  return out.includeTimestampInFilename || !out.filename ? 'new' : 'replace';
}

/** The extension after the name: the format, plus `.gz` / `.zst` for a compressed CSV or JSON file. */
export function outputExtension(format: Format, compression: Compression): string {
  if (format === 'parquet' || compression === 'none' || compression === 'snappy') return format;
  return `${format}.${compression === 'gzip' ? 'gz' : 'zst'}`;
}

/** Files in a partitioned output folder besides the data: written by the engine, `_SUCCESS` last on stores without folder renames. */
export const MANIFEST_NAME = '_manifest.json';
export const SUCCESS_NAME = '_SUCCESS';

/** `_manifest.json` of a partitioned output: every data file with its rows, bytes and SHA-256. */
export interface OutputManifest {
  readonly version: 1;
  readonly format: Format;
  readonly compression: Compression;
  readonly partitionBy: readonly string[];
  readonly rowCount: number;
  readonly bytes: number;
  /** Paths relative to the folder, `/`-separated, sorted. */
  readonly files: readonly { path: string; rows: number; bytes: number; sha256: string }[];
  /** Provenance (execution name, commit, SQL hash): how a resumed run recognises its own folder. */
  readonly metadata: Readonly<Record<string, string>>;
}
