// What `adp curation` actions need beyond the command definitions, loaded when one runs (not for `adp --help`).
import type { StoredCuration } from '../../ports/state-store.js';
import { curationSchedule } from '../../scheduler/curation-schedule.js';
import { nextTick } from '../../scheduler/ticks.js';

export { parseCuration } from '../../domain/curation.js';
export { checkEnvironment } from '../../engine/steps/validate.js';
export { assertScriptTemplates } from '../../engine/run-template.js';
export { checkDependencies } from '../../engine/check-dependencies.js';
export { dependencyGraph } from '../../domain/dependency-graph.js';

/** The scheduler's own next tick (time zone, start date and all), so the list agrees with `adp serve`. */
export function nextFire(stored: StoredCuration): Date | undefined {
  const ms = nextTick(curationSchedule(stored), Date.now());
  return ms === undefined ? undefined : new Date(ms);
}
