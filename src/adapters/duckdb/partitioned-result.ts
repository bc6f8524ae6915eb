import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { OutputFormat } from '../../domain/curation.js';
import { ValidationError } from '../../domain/errors.js';
import { MANIFEST_NAME, SUCCESS_NAME, type FileWriteOptions, type OutputManifest } from '../../domain/output-options.js';
import { filesUnder } from '../localfs/folder-publish.js';
import { quoteString } from './sql-literals.js';
import type { ResultColumn } from './statement-guard.js';

/** Refuses partition columns the result lacks, or a partitioning that leaves no column to write, naming the field. */
export function checkPartitionColumns(partitionBy: readonly string[], columns: readonly ResultColumn[]): void {
  const names = new Set(columns.map((c) => c.name.toLowerCase()));
  const missing = partitionBy.filter((p) => !names.has(p.toLowerCase()));
  if (missing.length > 0) {
    throw new ValidationError([
      { path: 'outputDetails.partitionBy', message: `the query result has no column ${missing.map((m) => `'${m}'`).join(', ')} (it has ${columns.map((c) => c.name).join(', ')})` },
    ]);
  }
  if (partitionBy.length >= columns.length) {
    throw new ValidationError([{ path: 'outputDetails.partitionBy', message: 'every column of the result is a partition column: leave at least one to write into the files' }]);
  }
}

/** Rows per file (absolute path → rows): Parquet's from COPY's RETURN_STATS rows, CSV's counted by reading the files back with the options they were written with. */
export async function rowsPerFile(
  connection: DuckDBConnection,
  format: OutputFormat,
  write: FileWriteOptions,
  folder: string,
  statsRows: readonly (readonly unknown[])[],
): Promise<Map<string, number>> {
  const rows = new Map<string, number>();
  if (format === 'parquet') {
    for (const r of statsRows) rows.set(path.resolve(String(r[0])), Number(r[1]));
    return rows;
  }
  const files = await filesUnder(folder);
  if (files.length === 0) return rows;
  const c = write.csv;
  const list = files.map((f) => quoteString(path.join(folder, f))).join(', ');
  const sql =
    `SELECT filename, count(*) FROM read_csv([${list}], filename = true, hive_partitioning = false, all_varchar = true, ` +
    `header = ${c.header}, delim = ${quoteString(c.delimiter)}, quote = ${quoteString(c.quote)}, escape = ${quoteString(c.escape)}) GROUP BY filename`;
  for (const r of (await connection.runAndReadAll(sql)).getRowsJS()) rows.set(path.resolve(String(r[0])), Number(r[1]));
  return rows;
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Writes `_manifest.json` (every data file with rows, bytes and SHA-256) and
 * then `_SUCCESS` into a finished partitioned folder. Returns the manifest.
 */
export async function sealPartitionedFolder(
  folder: string,
  format: OutputFormat,
  write: FileWriteOptions,
  rows: ReadonlyMap<string, number>,
  metadata: Readonly<Record<string, string>>,
): Promise<OutputManifest> {
  const data = await filesUnder(folder);
  const files = await Promise.all(
    data.map(async (rel) => {
      const abs = path.join(folder, rel);
      const [{ size }, sha256] = await Promise.all([fs.stat(abs), sha256File(abs)]);
      return { path: rel, rows: rows.get(path.resolve(abs)) ?? 0, bytes: size, sha256 };
    }),
  );
  const manifest: OutputManifest = {
    version: 1,
    format,
    compression: write.compression,
    partitionBy: write.partitionBy ?? [],
    rowCount: files.reduce((n, f) => n + f.rows, 0),
    bytes: files.reduce((n, f) => n + f.bytes, 0),
    files,
    metadata: { ...metadata },
  };
  await fs.writeFile(path.join(folder, MANIFEST_NAME), `${JSON.stringify(manifest, null, 2)}\n`);
  await fs.writeFile(path.join(folder, SUCCESS_NAME), '');
  return manifest;
}
