import { parseCuration, resolveOutput, type CurationDefinition } from '../../domain/curation.js';
import { ValidationError, type FieldIssue } from '../../domain/errors.js';
import type { EngineDeps } from '../engine-deps.js';
import { qualityCheckIssues } from './quality-gate.js';
import type { Step } from './step.js';

/**
 * Checks what only the environment can tell: the catalog tables exist and the
 * buckets are there. Every problem is reported, not just the first.
 */
export async function checkEnvironment(deps: Pick<EngineDeps, 'catalog' | 'objects'>, def: CurationDefinition): Promise<FieldIssue[]> {
  const issues: FieldIssue[] = [];
  const db = def.glueDetails.database;
  if (!(await deps.catalog.hasDatabase(db))) {
    issues.push({ path: 'glueDetails.database', message: `database '${db}' is not in the catalog` });
  }
  const tables = def.glueDetails.tables ?? [];
  for (const [i, entry] of tables.entries()) {
    const [database, table] = entry.includes('.') ? (entry.split('.') as [string, string]) : [db, entry];
    if (!(await deps.catalog.getTable(database, table))) {
      issues.push({ path: `glueDetails.tables[${i}]`, message: `table '${database}.${table}' is not in the catalog` });
    }
  }
  const out = resolveOutput(def);
  if (!(await deps.objects.bucketExists(def.outputDetails.outputBucket))) {
    issues.push({ path: 'outputDetails.outputBucket', message: `bucket '${def.outputDetails.outputBucket}' does not exist` });
  }
  if (out.rawBucket !== def.outputDetails.outputBucket && !(await deps.objects.bucketExists(out.rawBucket))) {
    issues.push({ path: 'athenaDetails.athenaOutputBucket', message: `bucket '${out.rawBucket}' does not exist` });
  }
  return issues;
}

/** Re-checks the stored definition (it may predate this version) and its environment. */
export const validate: Step = async (deps, run) => {
  const definition = parseCuration(run.context.definition);
  const issues = [...(await checkEnvironment(deps, definition)), ...qualityCheckIssues(deps.queries, definition)];
  if (issues.length > 0) throw new ValidationError(issues, `curation '${definition.curationType}'`);
  return { context: { ...run.context, definition } };
};
