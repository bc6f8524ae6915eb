import { resolveOutput, type CurationDefinition } from '../../domain/curation.js';
import { describeFailure, QualityCheckFailedError, type FieldIssue } from '../../domain/errors.js';
import { blockingFailures, describeFailedChecks, evaluateQualityChecks, warningFailures } from '../../domain/quality-checks.js';
import type { RunState } from '../../domain/run.js';
import type { QueryEngine } from '../../ports/query-engine.js';
import type { EngineDeps } from '../engine-deps.js';
import type { StepResult } from './step.js';

/** A definition with checks needs an engine that can run them; otherwise the field is refused by name. */
export function qualityCheckIssues(queries: Pick<QueryEngine, 'name' | 'checkResult'>, def: CurationDefinition): FieldIssue[] {
  if (!def.qualityChecks?.length || queries.checkResult) return [];
  return [
    {
      path: 'qualityChecks',
      message: `the ${queries.name} query engine cannot run quality checks: remove qualityChecks, or run the curation with the embedded or postgres driver`,
    },
  ];
}

/**
 * The first turn of publishOutput when the definition has `qualityChecks`:
 * measures them on the raw result and saves every result in the run before
 * anything is published (a resumed run does not measure twice). A failed
 * `block` check sends the run to `record` as failed, with nothing
 * published; failed `warn` checks only go into the record (and its
 * `qualityWarning` alert). Answers `undefined` when there is nothing to
 * check or the checks already ran: publishing goes on.
 *
 * Why a turn of publishOutput and not a step of its own: checks gate the
 * publish and nothing else, the step already persists a decision before its
 * side effect this way, and a step of its own would add a Task, a Lambda
 * invocation and transitions to every run under Step Functions, most of
 * which have no checks.
 */
export async function qualityGate(deps: EngineDeps, run: RunState): Promise<StepResult | undefined> {
  const { definition, rawBucket, rawKey, qualityChecks } = run.context;
  const checks = definition?.qualityChecks ?? [];
  if (!definition || !rawBucket || !rawKey || checks.length === 0 || qualityChecks) return undefined;
  if (!deps.queries.checkResult) throw new QualityCheckFailedError(qualityCheckIssues(deps.queries, definition)[0]!.message);
  const observations = await deps.queries.checkResult({ bucket: rawBucket, key: rawKey, format: resolveOutput(definition).format }, checks);
  const results = evaluateQualityChecks(checks, observations);
  const blocking = blockingFailures(results);
  const warnings = warningFailures(results);
  const passed = results.filter((r) => r.passed).length;
  const summary = `quality checks: ${passed} of ${results.length} passed${warnings.length ? `, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}` : ''}`;
  if (blocking.length === 0) return { context: { ...run.context, qualityChecks: results }, next: 'publishOutput', note: summary };
  const error = new QualityCheckFailedError(
    `${blocking.length} blocking quality check${blocking.length === 1 ? '' : 's'} failed, nothing was published: ${describeFailedChecks(blocking)}`,
  );
  const { error: name, errorCause } = describeFailure(error);
  return {
    context: { ...run.context, qualityChecks: results, failure: { status: 'failed', error: name, errorCause } },
    next: 'record',
    note: `${summary}; blocked: ${describeFailedChecks(blocking)}`,
  };
}
