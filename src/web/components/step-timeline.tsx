import { describeRunEvent, type RunTimelineEvent } from '../../domain/run-events.js';
import { formatDuration } from '../format.js';
import type { RunView } from '../types.js';

type StepSummary = RunView['steps'][number];

const STATE_LABEL: Record<StepSummary['state'], string> = {
  succeeded: 'succeeded',
  failed: 'failed',
  running: 'running',
  pending: 'pending',
  notReached: 'not reached',
};

/** How a failed step is coloured: as the run ended (failed, timed out, cancelled). */
function failedClass(status: string | undefined): string {
  return status === 'timed_out' ? 'step-timed-out' : status === 'cancelled' ? 'step-cancelled' : 'step-failed';
}

/**
 * The run's steps in order, each with its state and duration: green done, red
 * (or the colour of how the run ended) for the step it ended at, blue running,
 * grey for steps never reached. An ordered list a screen reader follows.
 */
export function StepPills({ run }: { run: RunView }) {
  const status = run.record?.status ?? run.status;
  return (
    <ol class="steps" aria-label="Steps">
      {run.steps.map((s) => {
        const cls = s.state === 'failed' ? failedClass(status) : `step-${s.state}`;
        const label = s.state === 'failed' && status !== 'failed' ? status.replace('_', ' ') : STATE_LABEL[s.state];
        return (
          <li
            key={s.step}
            class={`step ${cls}`}
            data-step={s.step}
            data-state={s.state}
            aria-current={s.state === 'running' ? 'step' : undefined}
            title={`${s.step}: ${label}${s.attempts && s.attempts > 1 ? `, ${s.attempts} attempts` : ''}`}
          >
            {s.step}
            <span class="visually-hidden">: {label}</span>
            {s.durationMs !== undefined && s.step !== 'record' && <span class="step-duration"> {formatDuration(s.durationMs)}</span>}
            {s.attempts !== undefined && s.attempts > 1 && <span class="step-attempts"> ×{s.attempts}</span>}
          </li>
        );
      })}
    </ol>
  );
}

/**
 * When each step ran, as bars on one time axis from the run's start (the
 * Step Functions console's graph of an execution's history, flattened).
 */
export function StepBars({ run, now }: { run: RunView; now: number }) {
  const begin = Date.parse(run.startedAt ?? run.createdAt);
  const end = run.record ? run.record.timestamp : now;
  const span = Math.max(1, end - begin);
  const status = run.record?.status ?? run.status;
  const bars = run.steps.filter((s) => s.startedAt && s.step !== 'record');
  if (bars.length === 0) return null;
  return (
    <div class="step-bars" role="img" aria-label={`Step durations over ${formatDuration(span)}`}>
      {bars.map((s) => {
        const from = Date.parse(s.startedAt!) - begin;
        const to = (s.endedAt ? Date.parse(s.endedAt) : end) - begin;
        const left = Math.min(100, Math.max(0, (from / span) * 100));
        const width = Math.max(0.5, Math.min(100 - left, ((to - from) / span) * 100));
        const cls = s.state === 'failed' ? failedClass(status) : `step-${s.state}`;
        return (
          <div class="step-bar-row" key={s.step}>
            <span class="step-bar-name">{s.step}</span>
            <span class="step-bar-track">
              <span class={`step-bar ${cls}`} style={{ left: `${left}%`, width: `${width}%` }} />
            </span>
            <span class="step-bar-time">{formatDuration(s.durationMs ?? Math.max(0, to - from))}</span>
          </div>
        );
      })}
    </div>
  );
}

/** The run's event log, oldest first, with the time from the run's creation. */
export function EventLog({ events, createdAt }: { events: readonly RunTimelineEvent[]; createdAt: string }) {
  const t0 = Date.parse(createdAt);
  return (
    <table class="data events">
      <caption class="visually-hidden">Event log</caption>
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">+</th>
          <th scope="col">Event</th>
          <th scope="col">Step</th>
          <th scope="col">Detail</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e, i) => (
          <tr key={i} class={`event event-${e.kind}`} data-kind={e.kind}>
            <td class="mono nowrap">{new Date(e.at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false, fractionalSecondDigits: 3 } as Intl.DateTimeFormatOptions)}</td>
            <td class="mono nowrap muted">{formatDuration(Math.max(0, Date.parse(e.at) - t0))}</td>
            <td class="nowrap">{e.kind}</td>
            <td class="nowrap">{'step' in e ? e.step : ''}</td>
            <td class="break">{describeRunEvent(e)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
