import type { Trigger } from '../../domain/history.js';
import type { RunContext, RunState, RunStatus, StepName } from '../../domain/run.js';

/** A `runs` row; optional RunState fields are NULL when absent. */
export interface RunRow {
  execution_name: string;
  curation_type: string;
  status: string;
  step: string;
  trigger: string;
  scheduled_time: string | null;
  attempt: number;
  created_at: string;
  started_at: string | null;
  updated_at: string;
  lease_owner: string | null;
  lease_until: string | null;
  parameters: string | null;
  context: string;
}

export function runToRow(run: RunState): RunRow {
  return {
    execution_name: run.executionName,
    curation_type: run.curationType,
    status: run.status,
    step: run.step,
    trigger: run.trigger,
    scheduled_time: run.scheduledTime ?? null,
    attempt: run.attempt,
    created_at: run.createdAt,
    started_at: run.startedAt ?? null,
    updated_at: run.updatedAt,
    lease_owner: run.leaseOwner ?? null,
    lease_until: run.leaseUntil ?? null,
    parameters: run.parameters === undefined ? null : JSON.stringify(run.parameters),
    context: JSON.stringify(run.context),
  };
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
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    context: JSON.parse(row.context) as RunContext,
  };
  if (row.scheduled_time !== null) run.scheduledTime = row.scheduled_time;
  if (row.started_at !== null) run.startedAt = row.started_at;
  if (row.lease_owner !== null) run.leaseOwner = row.lease_owner;
  if (row.lease_until !== null) run.leaseUntil = row.lease_until;
  if (row.parameters !== null) run.parameters = JSON.parse(row.parameters) as Record<string, string>;
  return run;
}
