import type { CurationDefinition } from '../../domain/curation.js';
import type { HistoryRecord } from '../../domain/history.js';
import { MANIFEST_NAME, resolveFileWriteOptions, type OutputManifest } from '../../domain/output-options.js';
import { NotFoundError } from '../../domain/errors.js';
import type { ObjectStore } from '../../ports/object-store.js';
import { decompressHead, sniffCompression } from './decompress-head.js';
import { PREVIEW_LIMITS } from './limits.js';
import { parquetTable } from './parquet-table.js';
import { csvTable, jsonLinesTable, type PreviewTable } from './text-table.js';

export type PreviewFormat = 'csv' | 'json' | 'parquet';

/** What the run page shows of a run's files: whether they are still there, and the first rows of the output. */
export interface OutputPreview {
  /** The published output; absent when the run published none. */
  readonly output?: {
    readonly uri: string;
    /** `replaced`: a later run published to the same name (writeMode replace); `missing`: deleted or moved since. */
    readonly state: 'present' | 'missing' | 'replaced';
    /** The run whose output is there now, when replaced. */
    readonly replacedBy?: string;
    readonly format: PreviewFormat;
    readonly compression: string;
    readonly size?: number;
    /** The file the rows come from: the output itself, or a partitioned folder's first data file. */
    readonly file?: string;
    /** Partition values of that file (`col=value` folders), which its rows do not repeat. */
    readonly partition?: Record<string, string>;
    readonly files?: number;
  };
  /** The query's raw result: kept, or deleted after publishing (deleteAthenaQueryFile). */
  readonly raw?: { readonly uri: string; readonly state: 'present' | 'deleted' };
  readonly table?: PreviewTable;
  /** Why there are no rows, when there are none. */
  readonly note?: string;
}

const formatOf = (record: HistoryRecord, key: string): PreviewFormat =>
  record.publishedOutput?.format ?? record.outputDetails?.format ?? (/\.parquet$/.test(key) ? 'parquet' : /\.json(\.|$)/.test(key) ? 'json' : 'csv');

/** `col=value` segments of a path inside a partitioned folder. */
function partitionOf(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const segment of path.split('/').slice(0, -1)) {
    const eq = segment.indexOf('=');
    if (eq <= 0) continue;
    let value = segment.slice(eq + 1);
    try {
      value = decodeURIComponent(value);
    } catch {
      // Not percent-encoded: shown as written.
    }
    out[segment.slice(0, eq)] = value;
  }
  return out;
}

/** The file whose rows are shown, as it is now: its size and the run that wrote it (adp's metadata names it). */
interface DataFile {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  /** Partition values of a partitioned folder's file. */
  readonly partition?: Record<string, string>;
  /** Data files in a partitioned folder. */
  readonly files?: number;
  readonly writtenBy?: string;
}

/** The output itself, or the first data file a partitioned folder's manifest lists; undefined when it is gone. */
async function dataFile(store: ObjectStore, record: HistoryRecord, output: { bucket: string; key: string }): Promise<DataFile | undefined> {
  const manifestUri = record.publishedOutput?.manifest;
  if (!manifestUri) {
    const info = await store.head(output.bucket, output.key);
    return info && { ...output, size: info.size, ...writer(info.metadata) };
  }
  const manifest = store.locate(manifestUri);
  const text = manifest && (await store.getText(manifest.bucket, manifest.key).catch(absentIfNotFound));
  if (!manifest || text === undefined) return undefined;
  const parsed = JSON.parse(text) as OutputManifest;
  const by = writer(parsed.metadata);
  const first = parsed.files[0];
  if (!first) return { ...manifest, size: Buffer.byteLength(text), files: 0, ...by };
  const key = manifest.key.slice(0, -MANIFEST_NAME.length) + first.path;
  const info = await store.head(manifest.bucket, key);
  return info && { bucket: manifest.bucket, key, size: info.size, partition: partitionOf(first.path), files: parsed.files.length, ...by };
}

function absentIfNotFound(e: unknown): undefined {
  if (e instanceof NotFoundError) return undefined;
  throw e;
}

/** The run that wrote an object or folder, as the metadata adp attaches names it (files the sample wrote have none). */
const writer = (metadata: Readonly<Record<string, string>> | undefined): { writtenBy?: string } => {
  const name = metadata?.['adp-execution-name'];
  return name ? { writtenBy: name } : {};
};

/**
 * The first `rows` rows of a run's published output, read through the
 * object store in ranges (at most 256 KiB of a CSV or JSON file, the footer
 * and first pages of a Parquet file), and whether its output and raw result
 * are still where the record says. A file that cannot be read gives a note,
 * never an error: the rest of the run page stands.
 */
export async function previewOutput(store: ObjectStore, record: HistoryRecord, definition: CurationDefinition | undefined, rows: number): Promise<OutputPreview> {
  const rawLocation = record.queryOutputLocation ? store.locate(record.queryOutputLocation) : undefined;
  const raw = rawLocation && {
    uri: record.queryOutputLocation!,
    state: (await store.head(rawLocation.bucket, rawLocation.key)) ? ('present' as const) : ('deleted' as const),
  };
  const base = raw ? { raw } : {};
  const location = record.curationOutputLocation && store.locate(record.curationOutputLocation);
  if (!record.curationOutputLocation || record.status !== 'succeeded') return { ...base, note: 'The run published no output.' };
  if (!location) return { ...base, note: `The output ${record.curationOutputLocation} is not in this project's object store.` };
  const format = formatOf(record, location.key);
  const file = await dataFile(store, record, location);
  const compression = record.publishedOutput?.compression ?? 'none';
  const output = {
    uri: record.curationOutputLocation,
    format,
    compression,
    ...(file?.files !== undefined ? { files: file.files } : {}),
    ...(file && file.key !== location.key ? { file: store.uri(file.bucket, file.key) } : {}),
    ...(file?.partition && Object.keys(file.partition).length > 0 ? { partition: file.partition } : {}),
  };
  if (!file) {
    return { ...base, output: { ...output, state: 'missing' }, note: 'The output is no longer there: it was deleted or moved after the run published it.' };
  }
  if (file.writtenBy !== undefined && file.writtenBy !== record.curationExecutionName) {
    return {
      ...base,
      output: { ...output, state: 'replaced', replacedBy: file.writtenBy },
      note: `The output was replaced by a later run (${file.writtenBy}), which published to the same name.`,
    };
  }
  const present = { ...output, state: 'present' as const, size: file.size };
  if (file.files === 0) return { ...base, output: present, note: 'The query returned no rows: the folder holds no data files.' };
  try {
    const table = await readTable(store, file, format, definition, rows);
    return { ...base, output: present, table };
  } catch (e) {
    return { ...base, output: present, note: `The first rows could not be read: ${(e as Error).message}` };
  }
}

async function readTable(
  store: ObjectStore,
  { bucket, key, size }: DataFile,
  format: PreviewFormat,
  definition: CurationDefinition | undefined,
  rows: number,
): Promise<PreviewTable> {
  if (format === 'parquet') {
    return parquetTable(store, bucket, key, size, rows);
  }
  const head = await store.readRange(bucket, key, 0, PREVIEW_LIMITS.headBytes);
  const compression = sniffCompression(key, head);
  const bytes = decompressHead(head, compression);
  // A compressed head is whole only if the whole file was read and its content fit the limit.
  const complete = head.length >= size && (compression === 'none' || bytes.length < PREVIEW_LIMITS.inflatedBytes);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (format === 'json') return jsonLinesTable(text, complete, rows);
  return csvTable(text, complete, resolveFileWriteOptions(definition?.outputDetails ?? {}).csv, rows);
}
