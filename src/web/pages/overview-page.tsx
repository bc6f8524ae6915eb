import { useMemo, useState } from 'preact/hooks';
import { api } from '../api.js';
import { ActiveRuns } from '../components/active-runs.js';
import { CurationsTable } from '../components/curations-table.js';
import { RangePicker } from '../components/range-picker.js';
import { RunsTable } from '../components/runs-table.js';
import { Timeline } from '../components/timeline.js';
import { loadHistory, RANGES, type RangeId } from '../history.js';
import { useLive } from '../live.js';
import { usePolling } from '../poll.js';
import { historyFilterOf, isFiltered, useRunFilters } from '../run-filters.js';
import { href } from '../router.js';
import type { CurationSummary } from '../types.js';

/** Every curation, the runs timeline and what is running now. */
export function OverviewPage() {
  const live = useLive();
  const [rangeId, setRangeId] = useState<RangeId>('24h');
  const curations = usePolling((signal) => api<{ curations: CurationSummary[] }>('/curations', { signal }), 15_000, [live.version]);
  const span = RANGES.find((r) => r.id === rangeId)!.ms;
  const filters = useRunFilters();
  const recent = usePolling(
    (signal) => loadHistory({ from: 0, ...historyFilterOf(filters) }, signal, 25),
    30_000,
    [live.version, filters.key],
  );
  const names = useMemo(() => (curations.data?.curations ?? []).map((c) => c.definition.curationType).sort(), [curations.data]);

  return (
    <main id="main">
      <div class="page-head">
        <h1 tabIndex={-1}>Curations</h1>
        <div class="spacer" />
        <a href={href.graph()}>Dependency graph</a>
      </div>
      {curations.error && !curations.data ? (
        <p class="notice notice-error">Could not load curations: {curations.error.message}</p>
      ) : curations.data ? (
        <CurationsTable curations={curations.data.curations} />
      ) : (
        <p class="muted">Loading…</p>
      )}

      <section aria-labelledby="active-h">
        <h2 id="active-h">In progress</h2>
        <ActiveRuns runs={live.active} />
      </section>

      <section aria-labelledby="timeline-h">
        <div class="section-head">
          <h2 id="timeline-h">Runs timeline</h2>
          <RangePicker value={rangeId} onChange={setRangeId} />
        </div>
        <Timeline span={span} curations={names} filters={filters} refreshKey={live.version} label={`Runs in the last ${RANGES.find((r) => r.id === rangeId)!.label}`} />
      </section>

      <section aria-labelledby="recent-h">
        <h2 id="recent-h">Recent runs</h2>
        {recent.data ? <RunsTable records={recent.data} caption="Recent runs, newest first" filtered={isFiltered(filters)} /> : <p class="muted">Loading…</p>}
      </section>
    </main>
  );
}
