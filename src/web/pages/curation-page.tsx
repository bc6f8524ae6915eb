import { useMemo, useState } from 'preact/hooks';
import { PauseToggle } from '../components/pause-toggle.js';
import { api, seg } from '../api.js';
import { ActiveRuns } from '../components/active-runs.js';
import { BackfillForm } from '../components/backfill-form.js';
import { KeyValues, MapTable } from '../components/key-values.js';
import { RangePicker } from '../components/range-picker.js';
import { RunNowButton } from '../components/run-now-button.js';
import { RunNowForm } from '../components/run-now-form.js';
import { RunsTable } from '../components/runs-table.js';
import { StatusBadge } from '../components/status-badge.js';
import { Timeline } from '../components/timeline.js';
import { formatDateTime, formatPercent, formatRelative } from '../format.js';
import { loadHistory, RANGES, type RangeId } from '../history.js';
import { useLive } from '../live.js';
import { usePolling } from '../poll.js';
import { historyFilterOf, isFiltered, useRunFilters } from '../run-filters.js';
import { href } from '../router.js';
import type { CurationSummary } from '../types.js';

type CurationDetail = CurationSummary & { nextFireTimes: string[] };

/** One curation: its definition, upcoming fires, run-now, backfill and its own timeline. */
export function CurationPage({ curationType }: { curationType: string }) {
  const live = useLive();
  const [rangeId, setRangeId] = useState<RangeId>('7d');
  const detail = usePolling((signal) => api<CurationDetail>(`/curations/${seg(curationType)}`, { signal }), 15_000, [curationType, live.version]);
  const span = RANGES.find((r) => r.id === rangeId)!.ms;
  const filters = useRunFilters();
  const history = usePolling(
    async (signal) => {
      const to = Date.now();
      return { records: await loadHistory({ from: to - span, ...historyFilterOf(filters), curationType }, signal, 100) };
    },
    30_000,
    [curationType, live.version, span, filters.key],
  );
  const active = useMemo(() => live.active.filter((r) => r.curationType === curationType), [live.active, curationType]);

  if (detail.error && !detail.data) {
    return (
      <main id="main">
        <h1 tabIndex={-1}>{curationType}</h1>
        <p class="notice notice-error">{detail.error.message}</p>
        <p>
          <a href={href.overview()}>Back to all curations</a>
        </p>
      </main>
    );
  }
  const c = detail.data;
  const def = c?.definition;
  const out = def?.outputDetails;
  const parameters = def?.parameters;
  const hasParameters = Boolean(parameters && Object.keys(parameters).length > 0);
  return (
    <main id="main">
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href={href.overview()}>Curations</a> <span aria-hidden="true">/</span> <span aria-current="page">{curationType}</span>
      </nav>
      <div class="page-head">
        <h1 tabIndex={-1}>{curationType}</h1>
        {c && !c.enabled && <span class="pill">paused</span>}
        <div class="spacer" />
        {c && <PauseToggle curationType={curationType} enabled={c.enabled} />}
        {def && !hasParameters && <RunNowButton curationType={curationType} />}
      </div>
      {!c || !def ? (
        <p class="muted">Loading…</p>
      ) : (
        <div class="cards">
          <section class="card" aria-labelledby="sched-h">
            <h2 id="sched-h">Schedule</h2>
            <KeyValues
              items={[
                ['Expression', <code>{def.cronExpression}</code>],
                ['Time zone', c.timezone],
                ['Last run', c.lastRun ? <a href={href.run(c.lastRun.curationExecutionName)}><StatusBadge status={c.lastRun.status} /> {formatRelative(c.lastRun.timestamp)}</a> : 'never'],
                ['Success', c.recent.runs ? `${formatPercent(c.recent.successRate)} of the last ${c.recent.runs} runs` : undefined],
              ]}
            />
            <h3>Next runs</h3>
            {c.nextFireTimes.length ? (
              <ol class="fires">
                {c.nextFireTimes.map((t) => (
                  <li key={t}>
                    <time dateTime={t}>{formatDateTime(t)}</time> <span class="muted">{formatRelative(t)}</span>
                  </li>
                ))}
              </ol>
            ) : (
              <p class="muted">{c.enabled ? 'The schedule has ended.' : 'Paused: it runs only when started by hand.'}</p>
            )}
          </section>
          <section class="card" aria-labelledby="def-h">
            <h2 id="def-h">Definition</h2>
            <KeyValues
              items={[
                ['Script', <code>{def.sqlFilePath}</code>],
                ['Database', <code>{def.glueDetails.database}</code>],
                ['Tables', def.glueDetails.tables?.length ? def.glueDetails.tables.map((t) => <code key={t} class="tag">{t}</code>) : undefined],
                ['Output', out && <code>{`${out.outputBucket}/${out.outputFolderPath ?? ''}${out.filename ?? '<query id>'}${out.includeTimestampInFilename ? '<YYYYmmddHHMMSS>' : ''}.${out.format ?? 'csv'}`}</code>],
                ['Depends on', def.dependsOn?.length ? <>{def.dependsOn.map((u) => <a key={u} href={href.curation(u)} class="tag">{u}</a>)} <a href={href.graph()} class="small">graph</a></> : undefined],
                ['Timeout', def.timeoutSeconds ? `${def.timeoutSeconds} s` : '1800 s (default)'],
                ['Version', `${c.version}, updated ${formatDateTime(c.updatedAt)}`],
              ]}
            />
            <details>
              <summary>Metadata and tags</summary>
              <h3>Metadata</h3>
              <MapTable caption="Metadata" map={out?.metadata} />
              <h3>Tags</h3>
              <MapTable caption="Tags" map={out?.tags} />
            </details>
            <details>
              <summary>Definition as JSON</summary>
              <pre class="code">
                <code>{JSON.stringify(def, null, 2)}</code>
              </pre>
            </details>
          </section>
        </div>
      )}

      {c && parameters && hasParameters && (
        <section aria-labelledby="run-now-h">
          <h2 id="run-now-h">Run now</h2>
          {/* Keyed by version: a changed definition starts the fields from its defaults again. */}
          <RunNowForm key={c.version} curationType={curationType} parameters={parameters} />
        </section>
      )}

      <section aria-labelledby="active-h">
        <h2 id="active-h">In progress</h2>
        <ActiveRuns runs={active} showCuration={false} />
      </section>

      <section aria-labelledby="backfill-h">
        <h2 id="backfill-h">Backfill</h2>
        <BackfillForm key={c?.version} curationType={curationType} timezone={c?.timezone ?? 'UTC'} parameters={parameters} />
      </section>

      <section aria-labelledby="timeline-h">
        <div class="section-head">
          <h2 id="timeline-h">Runs</h2>
          <RangePicker value={rangeId} onChange={setRangeId} />
        </div>
        <Timeline span={span} curationType={curationType} filters={filters} refreshKey={live.version} label={`Runs of ${curationType}`} />
        {history.data ? <RunsTable records={history.data.records} showCuration={false} filtered={isFiltered(filters)} caption={`Runs of ${curationType} in this range, newest first (the last 100 at most)`} /> : <p class="muted">Loading…</p>}
      </section>
    </main>
  );
}
