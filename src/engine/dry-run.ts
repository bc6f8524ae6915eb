import type { CurationDefinition } from '../domain/curation.js';
import { describeFailure } from '../domain/errors.js';
import { sha256Hex } from '../domain/sha256.js';
import { hasTemplate } from '../domain/template/index.js';
import type { EngineDeps } from './engine-deps.js';
import { renderRun, templateScope } from './run-template.js';
import { guardScanBeforeStart } from './scan-guard.js';
import { checkEnvironment } from './steps/validate.js';

export interface CheckResult {
  readonly check: 'definition' | 'script' | 'catalog' | 'buckets' | 'render' | 'query' | 'scan';
  readonly ok: boolean;
  readonly detail: string;
}

/** Options of {@link dryRun}. */
export interface DryRunOptions {
  /** Parameter values, as `adp run --param` would give them. */
  readonly parameters?: Readonly<Record<string, string>>;
  /** Report the rendered SQL and the bytes the query would scan even when the definition does not ask for them. */
  readonly render?: boolean;
  /** When the curation was first put (anchors rate() schedules); default now. */
  readonly createdAt?: string;
}

/** What a dry run found: one result per check, and the SQL as a run started now would run it. */
export interface DryRunReport {
  readonly checks: CheckResult[];
  readonly renderedSql?: string;
  readonly sqlSha256?: string;
  readonly renderedOutput?: { outputFolderPath?: string; filename?: string };
  readonly scanBytes?: number;
}

/**
 * Everything a run would check, without running it: the script at HEAD, its
 * templates rendered as for a manual run started now (with `parameters`),
 * the tables and buckets, the query plan of the rendered SQL and, where the
 * engine can tell, the bytes it would scan against `maxBytesScanned`. One
 * result per check, so a user sees every problem at once.
 */
export async function dryRun(
  deps: Pick<EngineDeps, 'scripts' | 'catalog' | 'objects' | 'queries' | 'clock'>,
  definition: CurationDefinition,
  options: DryRunOptions = {},
): Promise<DryRunReport> {
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
  let text: string | undefined;
  try {
    const script = await deps.scripts.readAtHead(definition.sqlFilePath);
    text = script.text;
    results.push({ check: 'script', ok: true, detail: `${definition.sqlFilePath} at ${script.commitId.slice(0, 12)}` });
  } catch (e) {
    results.push({ check: 'script', ok: false, detail: `sqlFilePath: ${describeFailure(e).errorCause.errorMessage}` });
  }
  if (text === undefined) return { checks: results };
  const now = deps.clock.now().toISOString();
  let rendered: ReturnType<typeof renderRun> | undefined;
  try {
    const scope = templateScope({ definition, createdAt: options.createdAt ?? now }, { executionName: 'dry-run', createdAt: now, parameters: options.parameters });
    rendered = renderRun(definition, text, scope);
    const templated = hasTemplate(text) || rendered.renderedOutput !== undefined || definition.parameters !== undefined;
    if (templated || options.render) results.push({ check: 'render', ok: true, detail: templated ? 'templates rendered for a manual run now' : 'no templates' });
  } catch (e) {
    results.push({ check: 'render', ok: false, detail: describeFailure(e).errorCause.errorMessage });
    return { checks: results };
  }
  try {
    const plan = await deps.queries.explain(rendered.sql, definition.glueDetails.database);
    results.push({ check: 'query', ok: true, detail: plan });
  } catch (e) {
    results.push({ check: 'query', ok: false, detail: describeFailure(e).errorCause.errorMessage });
    return { checks: results, renderedSql: rendered.sql, sqlSha256: sha256Hex(rendered.sql), renderedOutput: rendered.renderedOutput };
  }
  const scan = options.render || definition.maxBytesScanned !== undefined ? await scanCheck(deps.queries, definition, rendered.sql) : undefined;
  if (scan) results.push(scan.result);
  return { checks: results, renderedSql: rendered.sql, sqlSha256: sha256Hex(rendered.sql), renderedOutput: rendered.renderedOutput, scanBytes: scan?.bytes };
}

/** The bytes the query would scan, where the engine can tell, and the `maxBytesScanned` verdict a run would reach. */
async function scanCheck(queries: EngineDeps['queries'], def: CurationDefinition, sql: string): Promise<{ result: CheckResult; bytes?: number }> {
  try {
    const estimate = queries.estimateScanBytes ? await queries.estimateScanBytes(sql, def.glueDetails.database) : undefined;
    if (def.maxBytesScanned !== undefined) await guardScanBeforeStart(queries, def, sql);
    const limit = def.maxBytesScanned !== undefined ? `; maxBytesScanned ${def.maxBytesScanned}${estimate?.bytes === undefined ? ' is checked while the query runs' : ' holds'}` : '';
    if (estimate?.bytes !== undefined) return { result: { check: 'scan', ok: true, detail: `${estimate.detail}${limit}` }, bytes: estimate.bytes };
    const why = estimate?.reason ?? `the ${queries.name} engine tells the bytes scanned only while a query runs`;
    return { result: { check: 'scan', ok: true, detail: `cannot tell before running: ${why}${limit}` } };
  } catch (e) {
    return { result: { check: 'scan', ok: false, detail: describeFailure(e).errorCause.errorMessage } };
  }
}
