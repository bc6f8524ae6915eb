import type { CurationDefinition } from '../domain/curation.js';
import { resolveSchedulePolicy } from '../domain/schedule-policy.js';
import {
  TemplateError,
  checkRenderedKeyPart,
  checkTemplate,
  parameterTypes,
  hasTemplate,
  renderTemplate,
  resolveParameters,
  type TemplateScope,
} from '../domain/template/index.js';
import type { FieldIssue } from '../domain/errors.js';
import type { StoredCuration } from '../ports/state-store.js';
import type { EngineDeps } from './engine-deps.js';
import { curationSchedule } from '../scheduler/curation-schedule.js';
import { lastTicks } from '../scheduler/ticks.js';

/** How far back the previous tick of a schedule is looked for (cron years may be far apart). */
const LOOKBACK_MS = 10 * 366 * 86_400_000;

/** What a run's templates are rendered for. */
export interface TemplateRun {
  readonly executionName: string;
  readonly createdAt: string;
  readonly scheduledTime?: string;
  readonly parameters?: Readonly<Record<string, string>>;
}

/** The last tick at or before `atMs`, looking back at most ten years. */
function tickAtOrBefore(stored: Pick<StoredCuration, 'definition' | 'createdAt'>, atMs: number): number | undefined {
  const s = { ...curationSchedule(stored as StoredCuration), notBeforeMs: Number.NEGATIVE_INFINITY };
  return lastTicks(s, atMs - LOOKBACK_MS, atMs, 1).ticks[0];
}

/**
 * The scope a run's templates render in. `interval_end` is the run's
 * scheduled time (a tick or a backfill), and for runs started by hand the
 * latest tick of the schedule at or before the run was created (the run's
 * creation time when the schedule has none in the ten years before);
 * `scheduled_time` is the same instant; `interval_start` the tick before
 * `interval_end` (equal to it when there is none). Parameters: the run's
 * values read as their declared types, else the defaults; a missing
 * required one, an unknown one or a value of another type is a TemplateError.
 */
export function templateScope(stored: Pick<StoredCuration, 'definition' | 'createdAt'>, run: TemplateRun): TemplateScope {
  const def = stored.definition;
  const params = resolveParameters(def.parameters, run.parameters, true);
  if (params.issues.length > 0) throw new TemplateError(params.issues);
  const createdMs = Date.parse(run.createdAt);
  const end = run.scheduledTime !== undefined ? Date.parse(run.scheduledTime) : (tickAtOrBefore(stored, createdMs) ?? createdMs);
  const start = tickAtOrBefore(stored, end - 1) ?? end;
  const ts = (value: number) => ({ type: 'timestamp' as const, value });
  return {
    variables: {
      scheduled_time: ts(end),
      interval_start: ts(start),
      interval_end: ts(end),
      run_id: { type: 'string', value: run.executionName },
      curation_type: { type: 'string', value: def.curationType },
    },
    params: params.values,
    timezone: resolveSchedulePolicy(def).timezone,
  };
}

/** A run's SQL and key parts with their templates rendered. */
export interface RenderedRun {
  readonly sql: string;
  readonly renderedOutput?: { outputFolderPath?: string; filename?: string };
}

/**
 * Renders the SQL (values as typed literals) and, when they hold templates,
 * `outputFolderPath` and `filename` (values sanitised, the result checked as
 * a literal one would be). Throws a TemplateError naming every problem.
 */
export function renderRun(def: CurationDefinition, sqlText: string, scope: TemplateScope): RenderedRun {
  const issues: TemplateError['issues'][number][] = [];
  const attempt = <T>(f: () => T): T | undefined => {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      issues.push(...e.issues);
      return undefined;
    }
  };
  const sql = hasTemplate(sqlText) ? attempt(() => renderTemplate(sqlText, 'sql', 'sql', scope)) : sqlText;
  const out = def.outputDetails;
  const rendered: { outputFolderPath?: string; filename?: string } = {};
  if (out.outputFolderPath && hasTemplate(out.outputFolderPath)) {
    const v = attempt(() => checkRenderedKeyPart('outputDetails.outputFolderPath', renderTemplate(out.outputFolderPath!, 'outputDetails.outputFolderPath', 'path', scope)));
    if (v !== undefined) rendered.outputFolderPath = v;
  }
  if (out.filename && hasTemplate(out.filename)) {
    const v = attempt(() => checkRenderedKeyPart('outputDetails.filename', renderTemplate(out.filename!, 'outputDetails.filename', 'path', scope)));
    if (v !== undefined) rendered.filename = v;
  }
  if (issues.length > 0) throw new TemplateError(issues);
  return Object.keys(rendered).length > 0 ? { sql: sql!, renderedOutput: rendered } : { sql: sql! };
}

/**
 * Static problems of the templates in the curation's SQL at the head of the
 * scripts branch (syntax, unknown variables, parameters and filters), for
 * `curation put`: a script that cannot be read yet has none to report (the
 * run will say so).
 */
export async function scriptTemplateIssues(scripts: Pick<EngineDeps['scripts'], 'readAtHead'>, def: CurationDefinition): Promise<FieldIssue[]> {
  let text: string;
  try {
    text = (await scripts.readAtHead(def.sqlFilePath)).text;
  } catch {
    return [];
  }
  if (!hasTemplate(text)) return [];
  return checkTemplate(text, `sql (${def.sqlFilePath})`, 'sql', parameterTypes(def.parameters));
}

/** {@link scriptTemplateIssues}, thrown as one TemplateError (a put refuses the definition). */
export async function assertScriptTemplates(scripts: Pick<EngineDeps['scripts'], 'readAtHead'>, def: CurationDefinition): Promise<void> {
  const issues = await scriptTemplateIssues(scripts, def);
  if (issues.length > 0) throw new TemplateError(issues);
}
