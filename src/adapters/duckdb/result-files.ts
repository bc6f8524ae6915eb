import fs from 'node:fs/promises';
import path from 'node:path';
import type { OutputFormat } from '../../domain/curation.js';
import type { ResultColumn } from './statement-guard.js';

/** The `.metadata` side file written next to every raw result. */
export interface ResultMetadata {
  readonly columns: readonly ResultColumn[];
  readonly rowCount: number;
  readonly format: OutputFormat;
}

/**
 * Moves a finished result from staging to its final path, side file first, so
 * a reader that sees the result file also finds its metadata. Returns the
 * result's size in bytes.
 */
export async function publishResult(stagingFile: string, target: string, metadata: ResultMetadata): Promise<number> {
  await fs.mkdir(path.dirname(target), { recursive: true });
  const stagingMetadata = `${stagingFile}.metadata`;
  await fs.writeFile(stagingMetadata, `${JSON.stringify(metadata, null, 2)}\n`);
  await move(stagingMetadata, `${target}.metadata`);
  const { size } = await fs.stat(stagingFile);
  await move(stagingFile, target);
  return size;
}

/** Writes the `.metadata` side file of a result at `file` (a partitioned folder's sits beside the folder). */
export async function writeResultMetadata(file: string, metadata: ResultMetadata): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const staging = `${file}.partial`;
  await fs.writeFile(staging, `${JSON.stringify(metadata, null, 2)}\n`);
  await fs.rename(staging, file);
}

/** Removes a staging file and its side file if they exist. */
export async function removeStaging(stagingFile: string): Promise<void> {
  await Promise.all([fs.rm(stagingFile, { force: true }), fs.rm(`${stagingFile}.metadata`, { force: true })]);
}

/** rename, or copy and delete when staging and the buckets are on different file systems. */
async function move(from: string, to: string): Promise<void> {
  try {
    await fs.rename(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    const partial = `${to}.partial`;
    await fs.copyFile(from, partial);
    await fs.rename(partial, to);
    await fs.rm(from, { force: true });
  }
}
