import { formatPercent, formatRelative, formatShort } from '../format.js';
import { href } from '../router.js';
import type { CurationSummary } from '../types.js';
import { RunNowButton } from './run-now-button.js';
import { StatusBadge } from './status-badge.js';

function SuccessRate({ c }: { c: CurationSummary }) {
  const { successRate, runs, succeeded } = c.recent;
  if (successRate === null) return <span class="muted">no runs</span>;
  const pct = Math.round(successRate * 100);
  return (
    <span class="rate" title={`${succeeded} of the last ${runs} runs succeeded`}>
      <span class="rate-bar" aria-hidden="true">
        <span class={`rate-fill ${pct >= 95 ? 'good' : pct >= 70 ? 'fair' : 'poor'}`} style={{ width: `${pct}%` }} />
      </span>
      {formatPercent(successRate)}
      <span class="muted"> of {runs}</span>
    </span>
  );
}

/** Whether the curation has a parameter without a default (a run must be given a value for it). */
const needsValues = (c: CurationSummary) => Object.values(c.definition.parameters ?? {}).some((p) => p.default === undefined && p.type !== 'boolean');

/** Every curation: schedule, next fire time in the viewer's zone, last run, success rate, run-now. */
export function CurationsTable({ curations }: { curations: readonly CurationSummary[] }) {
  if (curations.length === 0) {
    return (
      <p class="empty">
        No curations yet. Add one with <code>adp curation put FILE</code> or <code>PUT /api/v1/curations/NAME</code>.
      </p>
    );
  }
  return (
    <div class="table-wrap">
      <table class="data curations">
        <caption class="visually-hidden">Curations</caption>
        <thead>
          <tr>
            <th scope="col">Curation</th>
            <th scope="col">Schedule</th>
            <th scope="col">Next run</th>
            <th scope="col">Last run</th>
            <th scope="col">Success (recent)</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {curations.map((c) => (
            <tr key={c.curationType}>
              <th scope="row">
                <a href={href.curation(c.curationType)}>{c.curationType}</a>
                {c.activeRuns > 0 && (
                  <span class="pill pill-running" title={`${c.activeRuns} run(s) in progress`}>
                    {c.activeRuns} active
                  </span>
                )}
              </th>
              <td>
                <code>{c.definition.cronExpression}</code>
                {c.timezone !== 'UTC' && <span class="muted"> {c.timezone}</span>}
              </td>
              <td>
                {!c.enabled ? (
                  <span class="pill">disabled</span>
                ) : c.nextFireTime ? (
                  <>
                    <time dateTime={c.nextFireTime} title={c.nextFireTime}>
                      {formatShort(c.nextFireTime)}
                    </time>{' '}
                    <span class="muted">{formatRelative(c.nextFireTime)}</span>
                  </>
                ) : (
                  <span class="muted">never</span>
                )}
              </td>
              <td>
                {c.lastRun ? (
                  <a href={href.run(c.lastRun.curationExecutionName)} class="last-run" aria-label={`Last run of ${c.curationType}: ${c.lastRun.status}, ${formatRelative(c.lastRun.timestamp)}`}>
                    <StatusBadge status={c.lastRun.status} /> <span class="muted">{formatRelative(c.lastRun.timestamp)}</span>
                  </a>
                ) : (
                  <span class="muted">never run</span>
                )}
              </td>
              <td>
                <SuccessRate c={c} />
              </td>
              <td class="actions">
                {needsValues(c) ? (
                  // A run with the defaults would fail at its start: the curation's form asks for the values.
                  <a class="btn btn-small" href={href.curation(c.curationType)} aria-label={`Run ${c.curationType}: give its parameters`}>
                    <span aria-hidden="true">▶</span> Run…
                  </a>
                ) : (
                  <RunNowButton curationType={c.curationType} compact />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
