import { useEffect, useState } from 'preact/hooks';
import { api, seg } from '../api.js';
import { cancelRun } from '../components/active-runs.js';
import { KeyValues, MapTable } from '../components/key-values.js';
import { QualityChecks } from '../components/quality-checks.js';
import { StatusBadge } from '../components/status-badge.js';
import { EventLog, StepBars, StepPills } from '../components/step-timeline.js';
import { RetryButton } from '../components/retry-button.js';
import { FileState, OutputRows } from '../components/output-preview.js';
import type { RunTimelineEvent } from '../../domain/run-events.js';
import { formatBytes, formatCount, formatDateTime, formatDuration } from '../format.js';
import { useLive } from '../live.js';
import { usePolling } from '../poll.js';
import { href } from '../router.js';
import type { OutputPreview, RunView, Script } from '../types.js';

/** Everything about one run: status, output, metadata, tags, error, and the SQL at its commit. */
export function RunPage({ name }: { name: string }) {
  const live = useLive();
  // Poll every second until the run has its record; then it never changes again.
  const [done, setDone] = useState(false);
  const run = usePolling((signal) => api<RunView>(`/runs/${seg(name)}`, { signal }), done ? 0 : 1000, [name, live.version]);
  const r = run.data;
  useEffect(() => {
    if (r?.record) setDone(true);
  }, [r]);
  const finished = Boolean(r?.record);
  // The log grows while the run goes; polled with the run, then once more when it ended.
  const events = usePolling((signal) => api<{ events: RunTimelineEvent[] }>(`/runs/${seg(name)}/events`, { signal }), done ? 0 : 1000, [name, live.version, done]);
  // Once the run has its record: whether its files are still there, and the first rows of its output.
  const preview = usePolling((signal) => (finished ? api<OutputPreview>(`/runs/${seg(name)}/preview`, { signal }) : Promise.resolve(undefined)), 0, [name, finished]);
  const script = usePolling(
    (signal) => (r?.scriptFileCommitId ? api<Script>(`/runs/${seg(name)}/script`, { signal }) : Promise.resolve(undefined)),
    0,
    [name, r?.scriptFileCommitId],
  );

  if (run.error && !r) {
    return (
      <main id="main">
        <h1 tabIndex={-1}>Run not found</h1>
        <p class="notice notice-error">{run.error.message}</p>
        <p>
          <a href={href.overview()}>Back to all curations</a>
        </p>
      </main>
    );
  }
  const rec = r?.record;
  const status = rec?.status ?? r?.status;
  return (
    <main id="main">
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href={href.overview()}>Curations</a> <span aria-hidden="true">/</span>{' '}
        {r ? <a href={href.curation(r.curationType)}>{r.curationType}</a> : '…'} <span aria-hidden="true">/</span> <span aria-current="page">run</span>
      </nav>
      <div class="page-head">
        <h1 tabIndex={-1} class="mono run-title">
          {name}
        </h1>
        {status && (
          <span aria-live="polite" data-testid="run-status">
            <StatusBadge status={status} />
          </span>
        )}
        <div class="spacer" />
        {r && !finished && (
          <button type="button" class="btn btn-danger" onClick={() => void cancelRun(name, live.poke)}>
            Cancel run
          </button>
        )}
        {rec && rec.status !== 'succeeded' && rec.status !== 'skipped' && <RetryButton name={name} />}
      </div>
      {!r ? (
        <p class="muted">Loading…</p>
      ) : (
        <>
          <StepPills run={r} />
          <StepBars run={r} now={Date.now()} />
          {rec?.errorCause && (
            <section class="error-box" aria-labelledby="err-h">
              <h2 id="err-h">
                {rec.error}
                <span class="muted"> · {rec.errorCause.errorType}</span>
              </h2>
              <pre>{rec.errorCause.errorMessage}</pre>
            </section>
          )}
          <div class="cards">
            <section class="card" aria-labelledby="sum-h">
              <h2 id="sum-h">Summary</h2>
              <KeyValues
                items={[
                  ['Curation', <a href={href.curation(r.curationType)}>{r.curationType}</a>],
                  ['Trigger', r.trigger],
                  ['Scheduled for', r.scheduledTime && formatDateTime(r.scheduledTime)],
                  ['Started', formatDateTime(r.startedAt ?? r.createdAt)],
                  ['Ended', rec && formatDateTime(rec.timestamp)],
                  ['Duration', rec ? formatDuration(rec.durationMs) : 'in progress'],
                  ['Rows', rec?.rowCount !== undefined ? formatCount(rec.rowCount) : undefined],
                  ['Bytes', rec?.bytesWritten !== undefined ? formatBytes(rec.bytesWritten) : undefined],
                  ['Attempt', String(rec?.attempt ?? r.attempt)],
                  ['Engine', rec?.engine],
                ]}
              />
            </section>
            <section class="card" aria-labelledby="out-h">
              <h2 id="out-h">Output</h2>
              <KeyValues
                items={[
                  ['Output location', rec?.curationOutputLocation && <FileState uri={rec.curationOutputLocation} state={preview.data?.output?.state} replacedBy={preview.data?.output?.replacedBy} />],
                  ['Raw result', rec?.queryOutputLocation && <FileState uri={rec.queryOutputLocation} state={preview.data?.raw?.state} />],
                  ['Query id', r.queryExecutionId && <code>{r.queryExecutionId}</code>],
                  ['Script', r.sqlFilePath && <code>{r.sqlFilePath}</code>],
                  ['Commit', r.scriptFileCommitId && <code title={r.scriptFileCommitId}>{r.scriptFileCommitId.slice(0, 12)}</code>],
                  ['SQL SHA-256', (rec?.sqlSha256 ?? r.sqlSha256) && <code title={rec?.sqlSha256 ?? r.sqlSha256}>{(rec?.sqlSha256 ?? r.sqlSha256)!.slice(0, 16)}…</code>],
                ]}
              />
            </section>
          </div>
          {rec?.qualityChecks && rec.qualityChecks.length > 0 && (
            <section class="card" aria-labelledby="checks-h">
              <h2 id="checks-h">Quality checks</h2>
              <QualityChecks checks={rec.qualityChecks} />
            </section>
          )}
          <div class="cards">
            <section class="card" aria-labelledby="params-h">
              <h2 id="params-h">Parameters</h2>
              <MapTable caption="Parameters" map={r.parameters} />
            </section>
            <section class="card" aria-labelledby="meta-h">
              <h2 id="meta-h">Metadata</h2>
              <MapTable caption="Metadata" map={rec?.metadata} />
            </section>
            <section class="card" aria-labelledby="tags-h">
              <h2 id="tags-h">Tags</h2>
              <MapTable caption="Tags" map={rec?.tags} />
            </section>
          </div>
          {finished && (
            <section aria-labelledby="rows-h" data-testid="output-preview">
              <h2 id="rows-h">First rows</h2>
              {preview.data ? <OutputRows preview={preview.data} /> : preview.error ? <p class="notice notice-error">{preview.error.message}</p> : <p class="muted">Loading…</p>}
            </section>
          )}
          <section aria-labelledby="events-h">
            <h2 id="events-h">Event log</h2>
            {events.data ? <EventLog events={events.data.events} createdAt={r.createdAt} /> : events.error ? <p class="notice notice-error">{events.error.message}</p> : <p class="muted">Loading…</p>}
          </section>
          <section aria-labelledby="sql-h">
            <h2 id="sql-h">
              SQL{' '}
              {script.data && (
                <span class="muted small">
                  {script.data.path} at {script.data.commitId.slice(0, 12)}
                </span>
              )}
            </h2>
            {script.data ? (
              <pre class="code sql" tabIndex={0} aria-label="SQL script">
                <code>{script.data.text}</code>
              </pre>
            ) : script.error ? (
              <p class="notice notice-error">{script.error.message}</p>
            ) : (
              <p class="muted">{r.scriptFileCommitId ? 'Loading…' : finished ? `The run ended before it read its script${r.failedStep ? ` (at ${r.failedStep})` : ''}.` : 'The run has not read its script yet.'}</p>
            )}
          </section>
          {r.renderedSql !== undefined && r.renderedSql !== script.data?.text && (
            <section aria-labelledby="rendered-sql-h">
              <h2 id="rendered-sql-h">
                Rendered SQL{' '}
                {r.sqlSha256 && <span class="muted small" title={r.sqlSha256}>SHA-256 {r.sqlSha256.slice(0, 16)}…</span>}
              </h2>
              <pre class="code sql" tabIndex={0} aria-label="Rendered SQL">
                <code>{r.renderedSql}</code>
              </pre>
            </section>
          )}
        </>
      )}
    </main>
  );
}
