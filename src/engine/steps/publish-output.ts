import { normaliseFolder, resolveOutput } from '../../domain/curation.js';
import { LeaseLostError, ObjectExistsError, StateError } from '../../domain/errors.js';
import { MAX_OUTPUT_COPIES, finalOutputKey, numberedOutputKey, outputKeyNumber, resultMetadataKey, utcStamp, executionNameTime } from '../../domain/naming.js';
import { MANIFEST_NAME, SUCCESS_NAME, outputExtension, resolveFileWriteOptions, resolveWriteMode, type OutputManifest } from '../../domain/output-options.js';
import type { PublishedOutput } from '../../domain/history.js';
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
   * writeMode `new`: the name is the run's own, so it never replaces another
   * run's object (a taken one becomes `-2`, …). `replace`: the object at the
   * stable name is replaced. Without writeMode, as in the sample: a fixed
   * `filename` without the timestamp is replaced by every run.
   */
  readonly perRun: boolean;
  /** A partitioned result: `key` is a folder (`…/name/`) published whole. */
  readonly folder: boolean;
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
    extension: outputExtension(resolveOutput(run.context.definition!).format, resolveFileWriteOptions(details).compression),
    partitioned: rawKey.endsWith('/'),
  });
  return { bucket: details.outputBucket, key, perRun: resolveWriteMode(details) === 'new', folder: rawKey.endsWith('/') };
}

const ownedBy = (run: RunState, info: ObjectInfo | undefined): boolean => info?.metadata['adp-execution-name'] === run.executionName;

/** A folder's manifest, if one is there; the execution name in it says which run wrote the folder. */
async function manifestAt(deps: EngineDeps, bucket: string, prefix: string): Promise<OutputManifest | undefined> {
  if ((await deps.objects.list(bucket, `${prefix}${SUCCESS_NAME}`)).length === 0) return undefined;
  try {
    return JSON.parse(await deps.objects.getText(bucket, `${prefix}${MANIFEST_NAME}`)) as OutputManifest;
  } catch {
    return undefined;
  }
}

/** What is at `key` now: nothing, this run's own output, or another's. */
async function occupant(deps: EngineDeps, run: RunState, target: OutputTarget, key: string): Promise<'free' | 'own' | 'other'> {
  if (!target.folder) {
    const existing = await deps.objects.head(target.bucket, key);
    return !existing ? 'free' : ownedBy(run, existing) ? 'own' : 'other';
  }
  const manifest = await manifestAt(deps, target.bucket, key);
  if (manifest?.metadata['adp-execution-name'] === run.executionName) return 'own';
  return (await deps.objects.list(target.bucket, key)).length === 0 ? 'free' : 'other';
}

/**
 * The first of `key`, `key-2`, `key-3`, … (from copy `from`) that is free,
 * this run's own, or the raw result itself (published in place).
 */
async function freeKey(deps: EngineDeps, run: RunState, target: OutputTarget, from: number): Promise<string> {
  const { rawBucket, rawKey } = run.context;
  for (let n = from; n <= MAX_OUTPUT_COPIES; n++) {
    const key = numberedOutputKey(target.key, n);
    if (target.bucket === rawBucket && key === rawKey) return key;
    if ((await occupant(deps, run, target, key)) !== 'other') return key;
  }
  throw new StateError(
    `outputs '${target.key}' to '${numberedOutputKey(target.key, MAX_OUTPUT_COPIES)}' all exist in bucket '${target.bucket}': ` +
      'remove old outputs from that folder, or change outputDetails.filename or outputFolderPath',
  );
}

/**
 * Publishes a partitioned raw folder at `key` (a folder) unless another run's
 * folder is there (then `undefined`); a run resumed after its publish finds
 * its own folder by the execution name in the manifest.
 */
async function publishFolderAt(
  deps: EngineDeps,
  run: RunState,
  raw: { bucket: string; key: string },
  target: OutputTarget,
  key: string,
): Promise<{ size: number; files: number } | undefined> {
  const definition = run.context.definition!;
  const details = definition.outputDetails;
  const move = resolveOutput(definition).deleteRawResult && !(raw.bucket === target.bucket && raw.key === key);
  const own = async () => {
    const manifest = await manifestAt(deps, target.bucket, key);
    return manifest?.metadata['adp-execution-name'] === run.executionName ? { size: manifest.bytes, files: manifest.files.length } : undefined;
  };
  if (raw.bucket === target.bucket && raw.key === key) return own();
  if (!(await manifestAt(deps, raw.bucket, raw.key))) {
    const published = await own();
    if (published) return published;
  }
  await assertLease(deps, run);
  try {
    const info = await deps.objects.publishFolder(
      { bucket: raw.bucket, prefix: raw.key },
      { bucket: target.bucket, prefix: key },
      { metadata: { ...(details.metadata ?? {}), ...provenance(run) }, tags: { ...(details.tags ?? {}) } },
      { move, ifAbsent: target.perRun },
    );
    return { size: info.size, files: info.keys.filter((k) => k !== MANIFEST_NAME && k !== SUCCESS_NAME).length };
  } catch (e) {
    if (!(e instanceof ObjectExistsError)) throw e;
    return own();
  }
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
  await assertLease(deps, run);
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
  const raw = { bucket: rawBucket, key: rawKey };
  const info = target.folder ? await publishFolderAt(deps, run, raw, target, finalKey) : await publishAt(deps, run, raw, target, finalKey);
  if (!info) {
    const key = await freeKey(deps, run, target, planned + 1);
    return { context: { ...run.context, finalKey: key }, next: 'publishOutput', note: `${finalKey} was published by another run meanwhile: publishing as ${key}` };
  }
  if (resolveOutput(definition).deleteMetadataFile) await deps.objects.delete(rawBucket, resultMetadataKey(rawKey));
  const write = resolveFileWriteOptions(definition.outputDetails);
  const publishedOutput: PublishedOutput = {
    format: resolveOutput(definition).format,
    compression: write.compression,
    writeMode: target.perRun ? 'new' : 'replace',
    files: 'files' in info ? info.files : 1,
    ...(target.folder && write.partitionBy
      ? { partitionBy: [...write.partitionBy], manifest: deps.objects.uri(target.bucket, `${finalKey}${MANIFEST_NAME}`) }
      : {}),
  };
  return {
    context: {
      ...run.context,
      finalBucket: target.bucket,
      finalKey,
      curationOutputLocation: deps.objects.uri(target.bucket, finalKey),
      bytesWritten: info.size,
      publishedOutput,
    },
  };
};

/** The last moment before the output becomes visible: a worker whose lease another took stops here. */
async function assertLease(deps: EngineDeps, run: RunState): Promise<void> {
  if (deps.holdsLease && !(await deps.holdsLease())) throw new LeaseLostError(run.executionName);
}
