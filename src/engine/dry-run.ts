import type { CurationDefinition } from '../domain/curation.js';
import { describeFailure } from '../domain/errors.js';
import type { EngineDeps } from './engine-deps.js';
import { checkEnvironment } from './steps/validate.js';

export interface CheckResult {
  readonly check: 'definition' | 'script' | 'catalog' | 'buckets' | 'query';
  readonly ok: boolean;
  readonly detail: string;
}

/**
 * Everything a run would check, without running it: the script at HEAD, the
 * tables and buckets, and the query plan. One result per check, so a user
 * sees every problem at once.
 */
export async function dryRun(
  deps: Pick<EngineDeps, 'scripts' | 'catalog' | 'objects' | 'queries'>,
  definition: CurationDefinition,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [{ check: 'definition', ok: true, detail: `${definition.curationType} is well formed` }];
  const issues = await checkEnvironment(deps, definition);
  const catalogIssues = issues.filter((i) => i.path.startsWith('glueDetails'));
  const bucketIssues = issues.filter((i) => !i.path.startsWith('glueDetails'));
  results.push({
    check: 'catalog',
    ok: catalogIssues.length === 0,
    detail: catalogIssues.length ? catalogIssues.map((i) => `${i.path}: ${i.message}`).join('; ') : `database and ${definition.glueDetails.tables?.length ?? 0} table(s) found`,
  });
  results.push({
    check: 'buckets',
    ok: bucketIssues.length === 0,
    detail: bucketIssues.length ? bucketIssues.map((i) => `${i.path}: ${i.message}`).join('; ') : 'output buckets exist',
  });
  let sql: string | undefined;
  try {
    const script = await deps.scripts.readAtHead(definition.sqlFilePath);
    sql = script.text;
    results.push({ check: 'script', ok: true, detail: `${definition.sqlFilePath} at ${script.commitId.slice(0, 12)}` });
  } catch (e) {
    results.push({ check: 'script', ok: false, detail: `sqlFilePath: ${describeFailure(e).errorCause.errorMessage}` });
  }
  if (sql !== undefined) {
    try {
      const plan = await deps.queries.explain(sql, definition.glueDetails.database);
      results.push({ check: 'query', ok: true, detail: plan });
    } catch (e) {
      results.push({ check: 'query', ok: false, detail: describeFailure(e).errorCause.errorMessage });
    }
  }
  return results;
}
