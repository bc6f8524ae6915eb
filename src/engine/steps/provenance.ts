import type { RunState } from '../../domain/run.js';

/** Where an output came from, stamped on the object (metadata) and inside Parquet files. */
export function provenance(run: RunState): Record<string, string> {
  const p: Record<string, string> = { 'adp-execution-name': run.executionName };
  if (run.context.scriptFileCommitId) p['adp-script-commit'] = run.context.scriptFileCommitId;
  if (run.context.sqlSha256) p['adp-sql-sha256'] = run.context.sqlSha256;
  if (run.scheduledTime) p['adp-scheduled-time'] = run.scheduledTime;
  return p;
}
