// What the commands' actions load when one runs (never for `adp --help` or a usage error), behind one dynamic
// import: the bundle then holds it in a few chunks rather than dozens, which a short command pays for in files
// opened and modules linked. Heavy or rare parts (DuckDB, SQLite, pg, the AWS SDKs, the server, the output
// preview's Parquet reader) stay behind imports of their own further in.
import type { StoredCuration } from '../ports/state-store.js';
import { curationSchedule } from '../scheduler/curation-schedule.js';
import { nextTick } from '../scheduler/ticks.js';

export { openProject } from '../drivers/open-project.js';
export { checkCurationType } from '../domain/names.js';
export { configSchema, awsPrefixSchema, perWorker } from '../domain/config.js';
export { parseOrThrow, toFieldIssues } from '../domain/zod-issues.js';
export { parseCuration } from '../domain/curation.js';
export { dependencyGraph } from '../domain/dependency-graph.js';
export { createRun, checkRunParameters } from '../engine/create-run.js';
export { retryRun } from '../engine/retry-run.js';
export { setCurationEnabled } from '../engine/pause-curation.js';
export { dryRun } from '../engine/dry-run.js';
export { planBackfill } from '../engine/backfill.js';
export { checkEnvironment } from '../engine/steps/validate.js';
export { assertScriptTemplates } from '../engine/run-template.js';
export { checkDependencies } from '../engine/check-dependencies.js';
export { liveWorkers } from '../scheduler/heartbeat.js';
export { executeLeased } from '../scheduler/leased-execution.js';
export { backfillStatus, MAX_BACKFILL_TICKS, runBackfill } from '../scheduler/backfill.js';
export { initHome } from '../drivers/common/init-home.js';
export { loadConfig } from '../drivers/common/load-config.js';
export { installWildrydes } from '../drivers/common/install-wildrydes.js';
export { checkReferences, referenceProblemLine } from '../drivers/common/check-references.js';
export { catalogAddArgs, catalogAddNames } from './commands/catalog-add-args.js';
export { cliLease, waitForRun } from './wait-for-run.js';
export { describeRecord } from './describe-record.js';
export { sayOverlap } from './say-overlap.js';

/** The scheduler's own next tick (time zone, start date and all), so the list agrees with `adp serve`. */
export function nextFire(stored: StoredCuration): Date | undefined {
  const ms = nextTick(curationSchedule(stored), Date.now());
  return ms === undefined ? undefined : new Date(ms);
}
