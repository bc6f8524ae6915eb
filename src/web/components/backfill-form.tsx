import { useState } from 'preact/hooks';
import { api, ApiError, seg } from '../api.js';
import { formatDateTime, isoToLocalInput, localInputToIso, viewerZone } from '../format.js';
import { useLive } from '../live.js';
import { announce } from '../notices.js';
import type { BackfillPlan, FieldIssue } from '../types.js';
import { initialParameterTexts, ParameterFields, parameterPaths, parameterValues, type ParameterDefinitions } from './parameter-fields.js';

/** What a backfill leaves alone: fire times that already succeeded or have a run in flight. */
function skipped(plan: BackfillPlan): string {
  const done = plan.ticks.filter((t) => t.status === 'succeeded').length;
  const active = plan.ticks.filter((t) => t.status === 'active').length;
  if (!done && !active) return '';
  return ` ${[done && `${done} already succeeded`, active && `${active} in progress`].filter(Boolean).join(', ')}: left alone.`;
}

/**
 * Backfill: pick a range in the viewer's zone (and the curation's parameter
 * values, if it declares any), preview the fire times it holds (a dry run on
 * the server), then queue one run per fire time. Named by the heading
 * `#backfill-h` of the section it is in.
 */
export function BackfillForm({ curationType, timezone, parameters }: { curationType: string; timezone: string; parameters?: ParameterDefinitions }) {
  const now = new Date();
  const [from, setFrom] = useState(isoToLocalInput(new Date(now.getTime() - 24 * 3600_000)));
  const [to, setTo] = useState(isoToLocalInput(now));
  const [plan, setPlan] = useState<BackfillPlan>();
  const [issues, setIssues] = useState<readonly FieldIssue[]>([]);
  const [busy, setBusy] = useState(false);
  const [texts, setTexts] = useState(() => initialParameterTexts(parameters ?? {}));
  const live = useLive();

  const call = async (dryRun: boolean) => {
    setBusy(true);
    setIssues([]);
    try {
      const values = parameterValues(parameters ?? {}, texts);
      const body = { from: localInputToIso(from) ?? from, to: localInputToIso(to) ?? to, dryRun, ...(Object.keys(values).length ? { parameters: values } : {}) };
      const result = await api<BackfillPlan>(`/curations/${seg(curationType)}/backfills`, { method: 'POST', body });
      setPlan(result);
      if (!dryRun) {
        const left = result.count - result.runs.length;
        announce(
          result.count === 0
            ? `The schedule of ${curationType} does not fire in that range: nothing to backfill.`
            : `Queued ${result.runs.length} backfill run${result.runs.length === 1 ? '' : 's'} of ${curationType}${left ? ` (${left} already done or in progress, left alone)` : ''}.`,
        );
        live.poke();
        setPlan(undefined);
      }
    } catch (e) {
      setPlan(undefined);
      const shown = ['from', 'to', ...parameterPaths(parameters ?? {})];
      const atFields = e instanceof ApiError ? e.issues.filter((i) => shown.includes(i.path)) : [];
      setIssues(atFields);
      if (atFields.length === 0 || (e instanceof ApiError && atFields.length < e.issues.length)) announce(`Backfill failed: ${(e as Error).message}`, 'error');
    } finally {
      setBusy(false);
    }
  };

  const issueFor = (field: string) => issues.find((i) => i.path === field)?.message;
  return (
    <form
      class="backfill"
      onSubmit={(e) => {
        e.preventDefault();
        void call(false);
      }}
      aria-labelledby="backfill-h"
      aria-describedby="backfill-help"
    >
      <p id="backfill-help" class="muted small">
        Runs the curation once for every time its schedule fired in the range (bounds included), with that time as its scheduled time. Enter
        times in your zone ({viewerZone}); the schedule is read in {timezone}.
      </p>
      <div class="form-row">
        <label>
          From
          <input type="datetime-local" required value={from} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} aria-invalid={issueFor('from') ? 'true' : undefined} aria-describedby={issueFor('from') ? 'bf-from-err' : undefined} />
          {issueFor('from') && (
            <span id="bf-from-err" class="field-error">
              {issueFor('from')}
            </span>
          )}
        </label>
        <label>
          To
          <input type="datetime-local" required value={to} onInput={(e) => setTo((e.target as HTMLInputElement).value)} aria-invalid={issueFor('to') ? 'true' : undefined} aria-describedby={issueFor('to') ? 'bf-to-err' : undefined} />
          {issueFor('to') && (
            <span id="bf-to-err" class="field-error">
              {issueFor('to')}
            </span>
          )}
        </label>
        {parameters && Object.keys(parameters).length > 0 && (
          <ParameterFields defs={parameters} texts={texts} onChange={(name, text) => setTexts((t) => ({ ...t, [name]: text }))} issues={issues} idPrefix="bf-param" />
        )}
        <div class="form-actions">
          <button type="button" class="btn" disabled={busy} onClick={() => void call(true)}>
            Preview
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            Start backfill
          </button>
        </div>
      </div>
      {plan && (
        <div class="plan" aria-live="polite">
          {plan.count === 0 ? (
            <p>The schedule does not fire in this range.</p>
          ) : (
            <p>
              <strong>{plan.count}</strong> run{plan.count === 1 ? '' : 's'} in this range:{' '}
              {formatDateTime(plan.scheduledTimes[0])}
              {plan.count > 1 && ` … ${formatDateTime(plan.scheduledTimes.at(-1))}`}.
              {skipped(plan)}
            </p>
          )}
        </div>
      )}
    </form>
  );
}
