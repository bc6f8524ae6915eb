import { resolveOutput } from '../../domain/curation.js';
import { StateError } from '../../domain/errors.js';
import { resolveFileWriteOptions } from '../../domain/output-options.js';
import { provenance } from './provenance.js';
import { guardScanBeforeStart } from '../scan-guard.js';
import type { Step } from './step.js';

/**
 * Starts the query unless this run already has one (a resumed run
 * re-attaches instead of launching a second query). The execution name is
 * the idempotency key, so a retried start is also safe.
 */
export const startQuery: Step = async (deps, run) => {
  if (run.context.queryExecutionId) return { context: run.context };
  const { definition, sql } = run.context;
  if (!definition || sql === undefined) throw new StateError(`run ${run.executionName} reached startQuery without a definition`);
  const out = resolveOutput(definition);
  const estimatedScanBytes = await guardScanBeforeStart(deps.queries, definition, sql);
  const queryExecutionId = await deps.queries.start({
    sql,
    database: definition.glueDetails.database,
    output: { bucket: out.rawBucket, folder: out.rawFolder },
    format: out.format,
    write: resolveFileWriteOptions(definition.outputDetails),
    idempotencyKey: run.executionName,
    kvMetadata: provenance(run),
  });
  const started = { ...run.context, queryExecutionId, queryStartedAt: deps.clock.now().toISOString() };
  return { context: estimatedScanBytes === undefined ? started : { ...started, estimatedScanBytes } };
};
