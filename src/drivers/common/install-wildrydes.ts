import { parseCuration, resolveOutput } from '../../domain/curation.js';
import { StateError } from '../../domain/errors.js';
import {
  WILDRYDES_DATA_BUCKET,
  wildrydesCuration,
  wildrydesScript,
  writeWildrydesData,
} from '../../examples/wildrydes.js';
import type { Project } from '../project.js';

export interface ExampleOptions {
  readonly rows: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * The ride-booking example: generated data in a staging bucket, its two
 * catalog tables, the script committed to `scripts/`, the curation registered.
 * Data already there is kept unless a different row count is asked for.
 */
export async function installWildrydes(project: Project, options: ExampleOptions): Promise<{ dataWritten: boolean }> {
  await project.objects.createBucket(WILDRYDES_DATA_BUCKET);
  const existing = await project.objects.list(WILDRYDES_DATA_BUCKET, 'rydebookings/');
  const marker = await project.objects.head(WILDRYDES_DATA_BUCKET, 'ROWS');
  const currentRows = marker ? Number(await project.objects.getText(WILDRYDES_DATA_BUCKET, 'ROWS')) : undefined;
  let dataWritten = false;
  if (existing.length === 0 || currentRows !== options.rows) {
    for (const key of existing) await project.objects.delete(WILDRYDES_DATA_BUCKET, key);
    const { tables } = await writeWildrydesData({
      objects: project.objects,
      bucket: WILDRYDES_DATA_BUCKET,
      rows: options.rows,
      onProgress: options.onProgress,
    });
    for (const table of tables) await project.catalog.putTable(table);
    await project.objects.putText(WILDRYDES_DATA_BUCKET, 'ROWS', String(options.rows));
    dataWritten = true;
  }
  const definition = parseCuration(wildrydesCuration);
  const out = resolveOutput(definition);
  for (const bucket of new Set([out.rawBucket, definition.outputDetails.outputBucket])) await project.objects.createBucket(bucket);
  const atHead = await project.scripts.readAtHead(wildrydesScript.path).catch(() => undefined);
  if (atHead?.text !== wildrydesScript.text) {
    if (!project.scripts.commitFile) throw new StateError(`commit ${wildrydesScript.path} to the scripts repository first: this driver's repository is read-only to adp`);
    await project.scripts.commitFile(wildrydesScript.path, wildrydesScript.text, `Add ${wildrydesScript.path}`);
  }
  if (!(await project.state.getCuration(definition.curationType))) await project.state.putCuration(definition);
  return { dataWritten };
}
