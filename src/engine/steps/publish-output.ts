import { normaliseFolder, resolveOutput } from '../../domain/curation.js';
import { StateError } from '../../domain/errors.js';
import { finalOutputKey, utcStamp, executionNameTime } from '../../domain/naming.js';
import { provenance } from './provenance.js';
import type { EngineDeps } from '../engine-deps.js';
import type { ObjectInfo } from '../../ports/object-store.js';
import type { Step } from './step.js';

/** A run resumed after publishing but before recording finds its own file in place and its raw result gone. */
async function alreadyPublished(
  deps: EngineDeps,
  executionName: string,
  rawBucket: string,
  rawKey: string,
  finalBucket: string,
  finalKey: string,
): Promise<ObjectInfo | undefined> {
  if (await deps.objects.head(rawBucket, rawKey)) return undefined;
  const final = await deps.objects.head(finalBucket, finalKey);
  return final?.metadata['adp-execution-name'] === executionName ? final : undefined;
}

/**
 * Moves the raw result to its final name with metadata and tags (atomically:
 * readers never see a partial file), then removes the raw result and its
 * `.metadata` side file as the definition asks.
 */
export const publishOutput: Step = async (deps, run) => {
  const { definition, rawBucket, rawKey, queryExecutionId } = run.context;
  if (!definition || !rawBucket || !rawKey || !queryExecutionId) {
    throw new StateError(`run ${run.executionName} reached publishOutput without a query result`);
  }
  const out = resolveOutput(definition);
  const details = definition.outputDetails;
  const rawFolder = rawKey.slice(0, rawKey.lastIndexOf('/') + 1);
  const finalBucket = details.outputBucket;
  const finalKey = finalOutputKey({
    folder: details.outputFolderPath !== undefined ? normaliseFolder(details.outputFolderPath) : rawFolder,
    filename: details.filename,
    includeTimestamp: details.includeTimestampInFilename,
    stamp: utcStamp(executionNameTime(run.executionName) ?? deps.clock.now()),
    queryExecutionId,
    format: out.format,
  });
  const inPlace = rawBucket === finalBucket && rawKey === finalKey;
  const info =
    (await alreadyPublished(deps, run.executionName, rawBucket, rawKey, finalBucket, finalKey)) ??
    (await deps.objects.publish(
      { bucket: rawBucket, key: rawKey },
      { bucket: finalBucket, key: finalKey },
      { metadata: { ...(details.metadata ?? {}), ...provenance(run) }, tags: { ...(details.tags ?? {}) } },
      { move: out.deleteRawResult && !inPlace },
    ));
  if (out.deleteMetadataFile) await deps.objects.delete(rawBucket, `${rawKey}.metadata`);
  return {
    context: {
      ...run.context,
      finalBucket,
      finalKey,
      curationOutputLocation: deps.objects.uri(finalBucket, finalKey),
      bytesWritten: info.size,
    },
  };
};
