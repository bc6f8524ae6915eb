import { api, ApiError, seg } from '../api.js';
import { formatRelative } from '../format.js';
import { useLive } from '../live.js';
import { announce } from '../notices.js';
import { href } from '../router.js';
import type { RunView } from '../types.js';
import { StatusBadge } from './status-badge.js';

const STEP_LABELS: Record<RunView['step'], string> = {
  retrieve: 'reading the script',
  validate: 'checking tables and buckets',
  startQuery: 'starting the query',
  awaitQuery: 'query running',
  publishOutput: 'publishing the output',
  record: 'recording',
};

export async function cancelRun(name: string, poke: () => void): Promise<void> {
  try {
    await api(`/runs/${seg(name)}/cancel`, { method: 'POST' });
    announce('Cancelling the run.');
    poke();
  } catch (e) {
    announce(`Could not cancel: ${e instanceof ApiError ? e.message : String(e)}`, 'error');
  }
}

/** Runs queued or in progress, with their current step and a cancel button. */
export function ActiveRuns({ runs, showCuration = true }: { runs: readonly RunView[]; showCuration?: boolean }) {
  const live = useLive();
  if (runs.length === 0) return <p class="empty">Nothing running right now.</p>;
  return (
    <ul class="active-runs">
      {runs.map((r) => (
        <li key={r.curationExecutionName}>
          <StatusBadge status={r.status} />
          {showCuration && <a href={href.curation(r.curationType)}>{r.curationType}</a>}
          <span class="muted">
            {r.status === 'running' ? STEP_LABELS[r.step] : 'waiting for a worker'} · started {formatRelative(r.startedAt ?? r.createdAt)}
          </span>
          <a class="mono" href={href.run(r.curationExecutionName)}>
            {r.curationExecutionName.slice(0, 20)}
          </a>
          <button type="button" class="btn btn-small btn-danger" onClick={() => void cancelRun(r.curationExecutionName, live.poke)} aria-label={`Cancel run ${r.curationExecutionName}`}>
            Cancel
          </button>
        </li>
      ))}
    </ul>
  );
}
