import { normaliseFolder, resolveOutput } from '../../domain/curation.js';
import { ObjectExistsError, StateError } from '../../domain/errors.js';
import { MAX_OUTPUT_COPIES, finalOutputKey, numberedOutputKey, outputKeyNumber, utcStamp, executionNameTime } from '../../domain/naming.js';
import type { RunState } from '../../domain/run.js';
import { provenance } from './provenance.js';
import { qualityGate } from './quality-gate.js';
import type { EngineDeps } from '../engine-deps.js';
import type { ObjectInfo } from '../../ports/object-store.js';
import type { Step } from './step.js';

/** Where a run's output goes, before any name clash is resolved. */
interface OutputTarget {
  readonly bucket: string;
  /** The sample's key: folder + filename [+ stamp] or the query id + extension. */
  readonly key: string;
  /**
   * The name is meant to be the run's own (timestamped, or the query id), so
   * it never replaces another run's object. A fixed `filename` without the
   * timestamp is replaced by every run, as in the sample.
   */
  readonly perRun: boolean;
}

function outputTarget(deps: EngineDeps, run: RunState, rawKey: string, queryExecutionId: string): OutputTarget {
  const details = run.context.definition!.outputDetails;
  // Rendered at retrieve when they hold `{{ … }}` templates.
  const folderPath = run.context.renderedOutput?.outputFolderPath ?? details.outputFolderPath;
  const filename = run.context.renderedOutput?.filename ?? details.filename;
  const rawFolder = rawKey.slice(0, rawKey.lastIndexOf('/') + 1);
  const key = finalOutputKey({
    folder: folderPath !== undefined ? normaliseFolder(folderPath) : rawFolder,
    filename,
    includeTimestamp: details.includeTimestampInFilename,
    stamp: utcStamp(executionNameTime(run.executionName) ?? deps.clock.now()),
    queryExecutionId,
    format: resolveOutput(run.context.definition!).format,
  });
  return { bucket: details.outputBucket, key, perRun: Boolean(details.includeTimestampInFilename) || !details.filename };
}

const ownedBy = (run: RunState, info: ObjectInfo | undefined): boolean => info?.metadata['adp-execution-name'] === run.executionName;

/**
 * The first of `key`, `key-2`, `key-3`, … (from copy `from`) that is free,
 * this run's own, or the raw result itself (published in place).
 */
async function freeKey(deps: EngineDeps, run: RunState, target: OutputTarget, from: number): Promise<string> {
  const { rawBucket, rawKey } = run.context;
  for (let n = from; n <= MAX_OUTPUT_COPIES; n++) {
    const key = numberedOutputKey(target.key, n);
    if (target.bucket === rawBucket && key === rawKey) return key;
    const existing = await deps.objects.head(target.bucket, key);
    if (!existing || ownedBy(run, existing)) return key;
  }
  throw new StateError(
    `outputs '${target.key}' to '${numberedOutputKey(target.key, MAX_OUTPUT_COPIES)}' all exist in bucket '${target.bucket}': ` +
      'remove old outputs from that folder, or change outputDetails.filename or outputFolderPath',
  );
}

/**
 * Publishes the raw result at `key` unless another run's object is there
 * (then `undefined`). A publish interrupted after its write finds its own
 * object (by the execution name in its metadata) and finishes the move.
 */
async function publishAt(
  deps: EngineDeps,
  run: RunState,
  raw: { bucket: string; key: string },
  target: OutputTarget,
  key: string,
): Promise<ObjectInfo | undefined> {
  const definition = run.context.definition!;
  const out = resolveOutput(definition);
  const details = definition.outputDetails;
  const { bucket: rawBucket, key: rawKey } = raw;
  const move = out.deleteRawResult && !(rawBucket === target.bucket && rawKey === key);
  if (!(await deps.objects.head(rawBucket, rawKey))) {
    // Moved already: the object at `key` is this run's, or the raw result was lost.
    const published = await deps.objects.head(target.bucket, key);
    if (ownedBy(run, published)) return published;
  }
  try {
    return await deps.objects.publish(
      { bucket: rawBucket, key: rawKey },
      { bucket: target.bucket, key },
      { metadata: { ...(details.metadata ?? {}), ...provenance(run) }, tags: { ...(details.tags ?? {}) } },
      { move, ifAbsent: target.perRun },
    );
  } catch (e) {
    if (!(e instanceof ObjectExistsError)) throw e;
    const existing = await deps.objects.head(target.bucket, key);
    if (!ownedBy(run, existing)) return undefined;
    if (move) await deps.objects.delete(rawBucket, rawKey);
    return existing;
  }
}

/**
 * Publishes the raw result under its final name with metadata and tags
 * (atomically: readers never see a partial file), then removes the raw
 * result and its `.metadata` side file as the definition asks.
 *
 * The step runs in two turns so the name is persisted before the object is
 * written: the first picks the name (the sample's, or `-2`, `-3`, … before
 * the extension when another run already published that one) and returns
 * to this step; the runner saves it; the second publishes without replacing
 * anything (ObjectStore `ifAbsent`). A run resumed after a crash publishes
 * to the name it saved, finds its own object there, and makes no copy. If
 * another run takes the name between the two turns, the next one is picked.
 */
export const publishOutput: Step = async (deps, run) => {
  const { definition, rawBucket, rawKey, queryExecutionId, finalKey } = run.context;
  if (!definition || !rawBucket || !rawKey || !queryExecutionId) {
    throw new StateError(`run ${run.executionName} reached publishOutput without a query result`);
  }
  // Quality checks first, their results saved before anything is published.
  const gated = await qualityGate(deps, run);
  if (gated) return gated;
  const target = outputTarget(deps, run, rawKey, queryExecutionId);
  const planned = finalKey !== undefined ? outputKeyNumber(target.key, finalKey) : undefined;
  if (finalKey === undefined || planned === undefined) {
    const key = target.perRun ? await freeKey(deps, run, target, 1) : target.key;
    const note = key === target.key ? `publishing as ${key}` : `${target.key} was published by another run: publishing as ${key}`;
    return { context: { ...run.context, finalBucket: target.bucket, finalKey: key }, next: 'publishOutput', note };
  }
  const info = await publishAt(deps, run, { bucket: rawBucket, key: rawKey }, target, finalKey);
  if (!info) {
    const key = await freeKey(deps, run, target, planned + 1);
    return { context: { ...run.context, finalKey: key }, next: 'publishOutput', note: `${finalKey} was published by another run meanwhile: publishing as ${key}` };
  }
  if (resolveOutput(definition).deleteMetadataFile) await deps.objects.delete(rawBucket, `${rawKey}.metadata`);
  return {
    context: {
      ...run.context,
      finalBucket: target.bucket,
      finalKey,
      curationOutputLocation: deps.objects.uri(target.bucket, finalKey),
      bytesWritten: info.size,
    },
  };
};
