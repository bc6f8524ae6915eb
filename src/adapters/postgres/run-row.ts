import type { Trigger } from '../../domain/history.js';
import type { RunContext, RunState, RunStatus, StepName } from '../../domain/run.js';
import { instant, iso, json } from './values.js';

/** The columns of a `runs` row, in the order of {@link runValues}. */
export const RUN_COLUMNS =
  'execution_name, curation_type, status, step, "trigger", scheduled_time, attempt, created_at, started_at, updated_at, lease_owner, lease_until, parameters, context';

/** A `runs` row as pg returns it; optional RunState fields are NULL when absent. */
export interface RunRow {
  execution_name: string;
  curation_type: string;
  status: string;
  step: string;
  trigger: string;
  scheduled_time: Date | null;
  attempt: number;
  created_at: Date;
  started_at: Date | null;
  updated_at: Date;
  lease_owner: string | null;
  lease_until: Date | null;
  parameters: Record<string, string> | null;
  context: RunContext;
}

/**
 * The parameters $1..$14 for {@link RUN_COLUMNS}.
 *
 * @throws ValidationError when an instant field is not ISO-8601.
 */
export function runValues(run: RunState): unknown[] {
  const at = (value: string | undefined, field: string) => (value === undefined ? null : instant(value, field, 'run'));
  return [
    run.executionName,
    run.curationType,
    run.status,
    run.step,
    run.trigger,
    at(run.scheduledTime, 'scheduledTime'),
    run.attempt,
    at(run.createdAt, 'createdAt'),
    at(run.startedAt, 'startedAt'),
    at(run.updatedAt, 'updatedAt'),
    run.leaseOwner ?? null,
    at(run.leaseUntil, 'leaseUntil'),
    run.parameters === undefined ? null : json(run.parameters),
    json(run.context),
  ];
}

/** The stored run with absent fields left out (not set to undefined), so it deep-equals what was saved. */
export function runFromRow(row: RunRow): RunState {
  const run: RunState = {
    executionName: row.execution_name,
    curationType: row.curation_type,
    status: row.status as RunStatus,
    step: row.step as StepName,
    trigger: row.trigger as Trigger,
    attempt: row.attempt,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    context: row.context,
  };
  if (row.scheduled_time !== null) run.scheduledTime = iso(row.scheduled_time);
  if (row.started_at !== null) run.startedAt = iso(row.started_at);
  if (row.lease_owner !== null) run.leaseOwner = row.lease_owner;
  if (row.lease_until !== null) run.leaseUntil = iso(row.lease_until);
  if (row.parameters !== null) run.parameters = row.parameters;
  return run;
}
