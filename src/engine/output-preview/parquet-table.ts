import { parquetMetadataAsync, parquetReadObjects, parquetSchema, type AsyncBuffer } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { ValidationError } from '../../domain/errors.js';
import type { ObjectStore } from '../../ports/object-store.js';
import { PREVIEW_LIMITS } from './limits.js';
import { display, type PreviewTable } from './text-table.js';

/** A Parquet file as byte ranges of the store, counting what is read so a preview stays bounded. */
function rangeBuffer(store: ObjectStore, bucket: string, key: string, size: number): AsyncBuffer & { read: number } {
  const buffer = {
    byteLength: size,
    read: 0,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const to = end ?? size;
      buffer.read += to - start;
      if (buffer.read > PREVIEW_LIMITS.parquetFooterBytes + PREVIEW_LIMITS.parquetBytes) {
        throw new ValidationError([{ path: 'rows', message: 'the first rows of this Parquet file take more than 8 MiB to read: ask for fewer' }], 'preview');
      }
      const bytes = await store.readRange(bucket, key, start, to);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
  };
  return buffer;
}

/** The first rows of a Parquet file, read through footer and page ranges only (any codec DuckDB writes). */
export async function parquetTable(store: ObjectStore, bucket: string, key: string, size: number, rows: number): Promise<PreviewTable> {
  const file = rangeBuffer(store, bucket, key, size);
  const metadata = await parquetMetadataAsync(file, { initialFetchSize: Math.min(size, PREVIEW_LIMITS.parquetFooterBytes) });
  const columns = parquetSchema(metadata).children.map((c) => c.element.name);
  const total = Number(metadata.num_rows);
  const objects = total === 0 ? [] : await parquetReadObjects({ file, metadata, rowStart: 0, rowEnd: Math.min(rows, total), compressors });
  return {
    columns,
    rows: objects.map((o) => columns.map((c) => display((o as Record<string, unknown>)[c]))),
    truncated: total > rows,
  };
}
